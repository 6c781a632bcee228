package devices

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Attached lists the ids of the device programs attached directly to the
// cgroup directory dir.
func Attached(dir *os.File) ([]uint32, error) {
	ids, err := queryCgroupDevice(int(dir.Fd()))
	if err != nil {
		return nil, fmt.Errorf("%s: query device programs: %w", dir.Name(), err)
	}
	return ids, nil
}

// Replace attaches prog to the cgroup dir with BPF_F_ALLOW_MULTI, then
// detaches every device program that was attached there before. While
// both are attached the kernel requires both to allow, so there is no
// window where the old or new rules are loosened.
func Replace(dir *os.File, prog *Program) error {
	old, err := Attached(dir)
	if err != nil {
		return err
	}
	if err := attachCgroupDevice(int(dir.Fd()), prog.fd, unix.BPF_F_ALLOW_MULTI); err != nil {
		return fmt.Errorf("%s: attach device program: %w", dir.Name(), err)
	}
	return detachIDs(dir, old)
}

// DetachAll detaches every device program attached directly to dir.
func DetachAll(dir *os.File) error {
	ids, err := Attached(dir)
	if err != nil {
		return err
	}
	return detachIDs(dir, ids)
}

func detachIDs(dir *os.File, ids []uint32) error {
	var errs []error
	for _, id := range ids {
		fd, err := progFDByID(id)
		if errors.Is(err, unix.ENOENT) {
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: device program %d: %w", dir.Name(), id, err))
			continue
		}
		err = detachCgroupDevice(int(dir.Fd()), fd)
		unix.Close(fd)
		if err != nil && !errors.Is(err, unix.ENOENT) {
			errs = append(errs, fmt.Errorf("%s: detach device program %d: %w", dir.Name(), id, err))
		}
	}
	return errors.Join(errs...)
}
