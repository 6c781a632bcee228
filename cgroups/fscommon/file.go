package fscommon

import (
	"errors"
	"io"
	"strings"

	"golang.org/x/sys/unix"
)

// Read returns the content of one cgroup file.
func (d Dir) Read(name string) (string, error) {
	f, err := d.Open(name, unix.O_RDONLY)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return "", &FileError{Op: "read", Path: d.File(name), Err: unwrapPathError(err)}
	}
	return string(b), nil
}

// ReadTrim returns the content without surrounding white space.
func (d Dir) ReadTrim(name string) (string, error) {
	s, err := d.Read(name)
	return strings.TrimSpace(s), err
}

// Write writes value to one cgroup file in a single write(2), as cgroupfs
// wants. The file must exist: cgroup files are never created.
func (d Dir) Write(name, value string) error {
	f, err := d.Open(name, unix.O_WRONLY|unix.O_TRUNC)
	if err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			fe.Op, fe.Value = "write", value
		}
		return err
	}
	defer f.Close()
	for {
		_, err = f.Write([]byte(value))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		break
	}
	if err != nil {
		return &FileError{Op: "write", Path: d.File(name), Value: value, Err: unwrapPathError(err)}
	}
	return nil
}

// WriteIfSet writes value when it is not empty.
func (d Dir) WriteIfSet(name, value string) error {
	if value == "" {
		return nil
	}
	return d.Write(name, value)
}

func unwrapPathError(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		if _, ok := u.(unix.Errno); ok {
			return u
		}
		err = u
	}
}
