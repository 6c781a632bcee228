package lsm

import (
	"errors"
	"fmt"
	"strings"

	selinux "github.com/opencontainers/selinux/go-selinux"
)

// SELinuxDisabledNotice is what a caller logs when a label was ignored
// because the host does not enforce SELinux.
const SELinuxDisabledNotice = "SELinux is disabled; label ignored"

// SELinuxEnabled reports whether the host enforces SELinux (selinuxfs is
// mounted and the kernel has a policy loaded), as go-selinux sees it from
// the calling process. go-selinux caches the answer for the process's life;
// call it in the runtime, or in the init before it enters the container's
// mounts (where /sys/fs/selinux is usually absent).
func SELinuxEnabled() bool {
	return selinux.GetEnabled()
}

// SetExecLabel is [Host.SetExecLabel] with the host as [Probe] sees it from
// here.
func SetExecLabel(label string) (ignored bool, err error) {
	return Probe().SetExecLabel(label)
}

// SetExecLabel sets the SELinux label of the next execve of the calling
// thread (/proc/thread-self/attr/exec). The calling goroutine must be locked
// to its OS thread until execve.
//
// An empty label does nothing. On a host without SELinux the label is not
// written and ignored is true, so the caller can log
// [SELinuxDisabledNotice]. (runc refuses a process label on such a host
// earlier, in its config validator; [CheckProcessLabel] is that check, for
// callers that want runc's strictness at create time.) go-selinux (v1.13+)
// opens the attribute through a verified procfs handle
// (filepath-securejoin's pathrs-lite: a private procfs when it can, checks
// against overmounts otherwise).
func (h Host) SetExecLabel(label string) (ignored bool, err error) {
	if label == "" {
		return false, nil
	}
	if err := ValidateSELinuxLabel(label); err != nil {
		return false, err
	}
	if !h.SELinux {
		return true, nil
	}
	if err := selinux.SetExecLabel(label); err != nil {
		return false, fmt.Errorf("set selinux exec label %q: %w", label, err)
	}
	return false, nil
}

// SetKeyLabel is [Host.SetKeyLabel] with the host as [Probe] sees it from
// here.
func SetKeyLabel(label string) (ignored bool, err error) {
	return Probe().SetKeyLabel(label)
}

// SetKeyLabel sets the SELinux label of the kernel keyrings the process
// creates next (/proc/self/attr/keycreate): call it with the process label
// before joining a new session keyring. The attribute belongs to the thread
// group leader, so the caller must be on the process's main thread.
//
// An empty label does nothing; on a host without SELinux the label is
// ignored (ignored is true).
func (h Host) SetKeyLabel(label string) (ignored bool, err error) {
	if label == "" {
		return false, nil
	}
	if err := ValidateSELinuxLabel(label); err != nil {
		return false, err
	}
	if !h.SELinux {
		return true, nil
	}
	if err := selinux.SetKeyLabel(label); err != nil {
		if errors.Is(err, selinux.ErrNotTGLeader) {
			return false, fmt.Errorf("set selinux key label %q: %w (the init must run on its main thread)", label, err)
		}
		return false, fmt.Errorf("set selinux key label %q: %w", label, err)
	}
	return false, nil
}

// MountData is [Host.MountData] with the host as [Probe] sees it from here.
func MountData(fstype, data, mountLabel string) string {
	return Probe().MountData(fstype, data, mountLabel)
}

// MountData returns the option string for a filesystem mount of type fstype
// with mountLabel added as context="<label>", as go-selinux's
// label.FormatMountLabel does, when the filesystem takes it:
//   - not on a host without SELinux, nor with an empty label;
//   - not for bind mounts ("bind"), which take no data, nor for proc, sysfs,
//     cgroup, cgroup2 and mqueue (runc mounts these without the label: their
//     files are labelled by policy, and mqueue is relabelled after mounting
//     instead);
//   - not when data already sets one of context, fscontext, defcontext or
//     rootcontext: the kernel refuses context= with any of them, and the
//     user's choice wins.
//
// The label is quoted because an MCS level holds commas (s0:c1,c2).
// [ValidateMountLabel] checks that the label can be quoted and that the
// result fits the kernel's one-page limit for mount data.
func (h Host) MountData(fstype, data, mountLabel string) string {
	if !h.SELinux || mountLabel == "" {
		return data
	}
	switch fstype {
	case "bind", "rbind", "proc", "sysfs", "cgroup", "cgroup2", "mqueue":
		return data
	}
	if hasContextOption(data) {
		return data
	}
	opt := "context=\"" + mountLabel + "\""
	if data == "" {
		return opt
	}
	return data + "," + opt
}

// hasContextOption reports whether a mount option string already sets an
// SELinux context option. Commas inside quotes (an MCS level) do not split.
func hasContextOption(data string) bool {
	for _, opt := range splitMountOptions(data) {
		key, _, _ := strings.Cut(opt, "=")
		switch key {
		case "context", "fscontext", "defcontext", "rootcontext":
			return true
		}
	}
	return false
}

func splitMountOptions(data string) []string {
	var opts []string
	quoted := false
	start := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				opts = append(opts, data[start:i])
				start = i + 1
			}
		}
	}
	return append(opts, data[start:])
}
