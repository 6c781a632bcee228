// Package lsm applies the Linux security modules' settings of a container's
// process: the AppArmor profile and the SELinux labels (process, key and
// mount label).
//
// Everything that changes what the next execve runs as is a write to a file
// of this thread's /proc/<pid>/task/<tid>/attr/ directory. Those writes go
// through a procfs handle that is checked to really be procfs (see
// procattr.go): a container that mounts something over /proc, or over one of
// its files, must not be able to redirect the write (the CVE-2025-52881
// class of attacks), and must not be able to make it silently land nowhere.
//
// What the host enforces is probed by [Probe] (or [AppArmorEnabled] and
// [SELinuxEnabled]); probe in the runtime, where the host's /sys is visible,
// and hand the result ([Host]) to the container's init: inside the container
// /sys/kernel/security and /sys/fs/selinux are usually not mounted, so a
// probe there would wrongly report both modules as disabled.
//
// Behaviour when a module is not enabled on the host:
//   - an AppArmor profile is an error ([ErrAppArmorNotEnabled]), so a spec
//     asking for confinement never runs unconfined without anyone knowing;
//   - an SELinux label is ignored and reported as ignored, so the caller can
//     log [SELinuxDisabledNotice]; [CheckProcessLabel] gives runc's stricter
//     create-time refusal for a process label.
//
// The package keeps no mutable state of its own.
package lsm
