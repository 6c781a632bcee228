package configs

import "golang.org/x/sys/unix"

// rlimit pairs an RLIMIT_* name with its resource number.
type rlimit struct {
	name  string
	value int
}

// rlimitTable lists the resource limits setrlimit(2) knows, in numeric
// order (the numbers are those of the build architecture).
func rlimitTable() [16]rlimit {
	return [16]rlimit{
		{"RLIMIT_CPU", unix.RLIMIT_CPU},
		{"RLIMIT_FSIZE", unix.RLIMIT_FSIZE},
		{"RLIMIT_DATA", unix.RLIMIT_DATA},
		{"RLIMIT_STACK", unix.RLIMIT_STACK},
		{"RLIMIT_CORE", unix.RLIMIT_CORE},
		{"RLIMIT_RSS", unix.RLIMIT_RSS},
		{"RLIMIT_NPROC", unix.RLIMIT_NPROC},
		{"RLIMIT_NOFILE", unix.RLIMIT_NOFILE},
		{"RLIMIT_MEMLOCK", unix.RLIMIT_MEMLOCK},
		{"RLIMIT_AS", unix.RLIMIT_AS},
		{"RLIMIT_LOCKS", unix.RLIMIT_LOCKS},
		{"RLIMIT_SIGPENDING", unix.RLIMIT_SIGPENDING},
		{"RLIMIT_MSGQUEUE", unix.RLIMIT_MSGQUEUE},
		{"RLIMIT_NICE", unix.RLIMIT_NICE},
		{"RLIMIT_RTPRIO", unix.RLIMIT_RTPRIO},
		{"RLIMIT_RTTIME", unix.RLIMIT_RTTIME},
	}
}

// RlimitValue returns the resource number of a limit given by its OCI name
// ("RLIMIT_NOFILE"), and whether the name is known.
func RlimitValue(name string) (int, bool) {
	for _, r := range rlimitTable() {
		if r.name == name {
			return r.value, true
		}
	}
	return -1, false
}

// RlimitName returns the name of a resource number, and whether it is known.
func RlimitName(value int) (string, bool) {
	for _, r := range rlimitTable() {
		if r.value == value {
			return r.name, true
		}
	}
	return "", false
}
