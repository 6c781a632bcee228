// Package seccomp compiles an OCI seccomp profile (configs.Seccomp) into a
// classic BPF program with libseccomp and installs it on the calling thread.
//
// The work is split in two so that the init can do the slow, failure-prone
// part early and the install as the very last step before execve:
//
//	f, warnings, err := seccomp.Compile(cfg) // before the exec fifo wait
//	...
//	runtime.LockOSThread()                   // already true in the init
//	fd, err := f.Load()                      // right before execve
//
// Compile resolves every name (actions, operators, architectures, flags,
// syscalls), builds the libseccomp filter, exports its BPF program and
// releases the libseccomp context; it checks that the running kernel knows
// every action and flag the profile uses, but installs nothing. Load is one
// seccomp(2) call with the flags the profile asked for: it needs
// no_new_privs on the calling thread or CAP_SYS_ADMIN, and without
// SECCOMP_FILTER_FLAG_TSYNC it filters only the calling thread (execve
// keeps the filter of the thread that calls it, so that is enough for the
// container's process).
//
// Behaviour follows runc where the runtime-spec leaves room:
//   - syscall names libseccomp cannot resolve are skipped and reported as
//     warnings; unknown actions, operators, architectures and flags are
//     errors naming the value;
//   - a rule whose action (with its errno) equals the default action is
//     skipped, since libseccomp refuses it;
//   - the conditions of one rule are ANDed, except when two conditions test
//     the same argument index: then every condition becomes a rule of its
//     own (ORed), which is what runc does;
//   - SCMP_ACT_NOTIFY is refused as the default action and on the
//     syscalls in NotifyForbidden, which the init needs to hand the notify
//     fd to its parent after Load.
//
// SendNotify implements the listenerPath side of SCMP_ACT_NOTIFY: it sends
// the container process state and the notify fd to the seccomp agent.
// Supported reports what the package (and, for flags, the kernel) can do,
// for `oci-run features`.
package seccomp
