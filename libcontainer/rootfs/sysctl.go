package rootfs

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// ApplySysctls writes each key=value under /proc/sys. /proc is opened once
// and verified to be a procfs root; each file is opened beneath it with
// openat2 without following any symlink or crossing a mount, and verified to
// be on procfs, before the value is written (CVE-2025-52881). Keys use "."
// as separator ("net.ipv4.ip_forward"), or "/" when they contain one, in
// which case dots are literal ("net/ipv4/conf/eth0.100/forwarding"). Call it
// before Finalize, which makes /proc/sys read-only.
func ApplySysctls(m map[string]string) error {
	if len(m) == 0 {
		return nil
	}
	proc, err := openProc("/proc")
	if err != nil {
		return fmt.Errorf("sysctl: %w", err)
	}
	defer unix.Close(proc)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := writeSysctl(proc, k, m[k]); err != nil {
			return fmt.Errorf("sysctl %s=%s: %w", k, m[k], err)
		}
	}
	return nil
}

// sysctlPath turns a key into a path relative to /proc.
func sysctlPath(key string) (string, error) {
	p := key
	if !strings.Contains(key, "/") {
		p = strings.ReplaceAll(key, ".", "/")
	}
	for _, c := range strings.Split(p, "/") {
		if c == "" || c == "." || c == ".." {
			return "", fmt.Errorf("invalid key %q", key)
		}
	}
	return "sys/" + p, nil
}

func writeSysctl(proc int, key, value string) error {
	p, err := sysctlPath(key)
	if err != nil {
		return err
	}
	fd, err := openat2(proc, p, unix.O_WRONLY,
		unix.RESOLVE_BENEATH|unix.RESOLVE_NO_SYMLINKS|unix.RESOLVE_NO_MAGICLINKS|unix.RESOLVE_NO_XDEV)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := verifyProcfs(fd, false); err != nil {
		return err
	}
	n, err := unix.Write(fd, []byte(value))
	if err != nil {
		return err
	}
	if n != len(value) {
		return fmt.Errorf("short write (%d of %d bytes)", n, len(value))
	}
	return nil
}
