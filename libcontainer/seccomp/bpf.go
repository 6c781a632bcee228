package seccomp

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// bpfMaxInsns is the kernel's limit on a classic BPF program (BPF_MAXINSNS).
const bpfMaxInsns = 4096

// sockFilterSize is the size of one struct sock_filter.
const sockFilterSize = 8

// exportBPF returns the filter's classic BPF program. libseccomp writes it
// to a file descriptor (seccomp_export_bpf; the in-memory variant needs
// libseccomp 2.6), here an anonymous memfd.
func exportBPF(f *libseccomp.ScmpFilter) ([]unix.SockFilter, error) {
	fd, err := unix.MemfdCreate("oci-run-seccomp-bpf", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("exporting seccomp program: memfd_create: %w", err)
	}
	file := os.NewFile(uintptr(fd), "seccomp-bpf")
	defer file.Close()
	if err := f.ExportBPF(file); err != nil {
		return nil, fmt.Errorf("exporting seccomp program: %w", err)
	}
	raw, err := io.ReadAll(io.NewSectionReader(file, 0, 1<<30))
	if err != nil {
		return nil, fmt.Errorf("exporting seccomp program: %w", err)
	}
	return decodeBPF(raw)
}

// decodeBPF parses struct sock_filter records in host byte order.
func decodeBPF(raw []byte) ([]unix.SockFilter, error) {
	if len(raw) == 0 || len(raw)%sockFilterSize != 0 {
		return nil, fmt.Errorf("exporting seccomp program: libseccomp wrote %d bytes, not a whole number of instructions", len(raw))
	}
	n := len(raw) / sockFilterSize
	if n > bpfMaxInsns {
		return nil, fmt.Errorf("seccomp program has %d instructions, the kernel takes at most %d: the profile is too large", n, bpfMaxInsns)
	}
	prog := make([]unix.SockFilter, n)
	for i := range prog {
		r := raw[i*sockFilterSize:]
		prog[i] = unix.SockFilter{
			Code: binary.NativeEndian.Uint16(r[0:2]),
			Jt:   r[2],
			Jf:   r[3],
			K:    binary.NativeEndian.Uint32(r[4:8]),
		}
	}
	return prog, nil
}
