package devices

import (
	"errors"
	"fmt"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// Attached lists the ids of the device programs attached directly to the
// cgroup directory dir.
func Attached(dir *os.File) ([]ebpf.ProgramID, error) {
	res, err := link.QueryPrograms(link.QueryOptions{
		Target: int(dir.Fd()),
		Attach: ebpf.AttachCGroupDevice,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: query device programs: %w", dir.Name(), err)
	}
	ids := make([]ebpf.ProgramID, 0, len(res.Programs))
	for _, p := range res.Programs {
		ids = append(ids, p.ID)
	}
	return ids, nil
}

// Replace attaches prog to the cgroup dir with BPF_F_ALLOW_MULTI, then
// detaches every device program that was attached there before. While
// both are attached the kernel requires both to allow, so there is no
// window where the old or new rules are loosened.
func Replace(dir *os.File, prog *ebpf.Program) error {
	old, err := Attached(dir)
	if err != nil {
		return err
	}
	err = link.RawAttachProgram(link.RawAttachProgramOptions{
		Target:  int(dir.Fd()),
		Program: prog,
		Attach:  ebpf.AttachCGroupDevice,
		Flags:   unix.BPF_F_ALLOW_MULTI,
	})
	if err != nil {
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

func detachIDs(dir *os.File, ids []ebpf.ProgramID) error {
	var errs []error
	for _, id := range ids {
		p, err := ebpf.NewProgramFromID(id)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: device program %d: %w", dir.Name(), id, err))
			continue
		}
		err = link.RawDetachProgram(link.RawDetachProgramOptions{
			Target:  int(dir.Fd()),
			Program: p,
			Attach:  ebpf.AttachCGroupDevice,
		})
		p.Close()
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("%s: detach device program %d: %w", dir.Name(), id, err))
		}
	}
	return errors.Join(errs...)
}
