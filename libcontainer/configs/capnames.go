package configs

import "golang.org/x/sys/unix"

// capability pairs a CAP_* name with its number.
type capability struct {
	name  string
	value int
}

// capabilityTable lists every capability oci-run knows, in numeric order.
// It is built on each call so that no package-level table can be mutated.
func capabilityTable() [41]capability {
	return [41]capability{
		{"CAP_CHOWN", unix.CAP_CHOWN},
		{"CAP_DAC_OVERRIDE", unix.CAP_DAC_OVERRIDE},
		{"CAP_DAC_READ_SEARCH", unix.CAP_DAC_READ_SEARCH},
		{"CAP_FOWNER", unix.CAP_FOWNER},
		{"CAP_FSETID", unix.CAP_FSETID},
		{"CAP_KILL", unix.CAP_KILL},
		{"CAP_SETGID", unix.CAP_SETGID},
		{"CAP_SETUID", unix.CAP_SETUID},
		{"CAP_SETPCAP", unix.CAP_SETPCAP},
		{"CAP_LINUX_IMMUTABLE", unix.CAP_LINUX_IMMUTABLE},
		{"CAP_NET_BIND_SERVICE", unix.CAP_NET_BIND_SERVICE},
		{"CAP_NET_BROADCAST", unix.CAP_NET_BROADCAST},
		{"CAP_NET_ADMIN", unix.CAP_NET_ADMIN},
		{"CAP_NET_RAW", unix.CAP_NET_RAW},
		{"CAP_IPC_LOCK", unix.CAP_IPC_LOCK},
		{"CAP_IPC_OWNER", unix.CAP_IPC_OWNER},
		{"CAP_SYS_MODULE", unix.CAP_SYS_MODULE},
		{"CAP_SYS_RAWIO", unix.CAP_SYS_RAWIO},
		{"CAP_SYS_CHROOT", unix.CAP_SYS_CHROOT},
		{"CAP_SYS_PTRACE", unix.CAP_SYS_PTRACE},
		{"CAP_SYS_PACCT", unix.CAP_SYS_PACCT},
		{"CAP_SYS_ADMIN", unix.CAP_SYS_ADMIN},
		{"CAP_SYS_BOOT", unix.CAP_SYS_BOOT},
		{"CAP_SYS_NICE", unix.CAP_SYS_NICE},
		{"CAP_SYS_RESOURCE", unix.CAP_SYS_RESOURCE},
		{"CAP_SYS_TIME", unix.CAP_SYS_TIME},
		{"CAP_SYS_TTY_CONFIG", unix.CAP_SYS_TTY_CONFIG},
		{"CAP_MKNOD", unix.CAP_MKNOD},
		{"CAP_LEASE", unix.CAP_LEASE},
		{"CAP_AUDIT_WRITE", unix.CAP_AUDIT_WRITE},
		{"CAP_AUDIT_CONTROL", unix.CAP_AUDIT_CONTROL},
		{"CAP_SETFCAP", unix.CAP_SETFCAP},
		{"CAP_MAC_OVERRIDE", unix.CAP_MAC_OVERRIDE},
		{"CAP_MAC_ADMIN", unix.CAP_MAC_ADMIN},
		{"CAP_SYSLOG", unix.CAP_SYSLOG},
		{"CAP_WAKE_ALARM", unix.CAP_WAKE_ALARM},
		{"CAP_BLOCK_SUSPEND", unix.CAP_BLOCK_SUSPEND},
		{"CAP_AUDIT_READ", unix.CAP_AUDIT_READ},
		{"CAP_PERFMON", unix.CAP_PERFMON},
		{"CAP_BPF", unix.CAP_BPF},
		{"CAP_CHECKPOINT_RESTORE", unix.CAP_CHECKPOINT_RESTORE},
	}
}

// CapabilityValue returns the number of a capability given by its full
// name ("CAP_SYS_ADMIN"), and whether the name is known. Names are matched
// exactly: the OCI spec uses upper case with the CAP_ prefix.
func CapabilityValue(name string) (int, bool) {
	for _, c := range capabilityTable() {
		if c.name == name {
			return c.value, true
		}
	}
	return -1, false
}

// CapabilityNames returns the names of all known capabilities, from
// CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE (40), in numeric order. The slice
// is new on each call.
func CapabilityNames() []string {
	t := capabilityTable()
	names := make([]string, len(t))
	for i, c := range t {
		names[i] = c.name
	}
	return names
}
