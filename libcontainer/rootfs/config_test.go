package rootfs

import (
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

const (
	nosuid = unix.MS_NOSUID
	nodev  = unix.MS_NODEV
	noexec = unix.MS_NOEXEC
)

// defaultConfig is runc's `runc spec` setup, as specconv would convert it.
func defaultConfig(rootfs string) *configs.Config {
	dev := func(path string, major, minor int64) *configs.Device {
		return &configs.Device{
			DeviceRule: configs.DeviceRule{Type: configs.CharDevice, Major: major, Minor: minor, Permissions: "rwm", Allow: true},
			Path:       path, FileMode: 0o666,
		}
	}
	return &configs.Config{
		Rootfs: rootfs,
		Namespaces: configs.Namespaces{
			{Type: configs.NEWNS}, {Type: configs.NEWPID}, {Type: configs.NEWIPC},
		},
		Mounts: []*configs.Mount{
			{Source: "proc", Destination: "/proc", Device: "proc", Flags: nosuid | noexec | nodev},
			{Source: "tmpfs", Destination: "/dev", Device: "tmpfs", Flags: nosuid | unix.MS_STRICTATIME, Data: "mode=755,size=65536k"},
			{Source: "devpts", Destination: "/dev/pts", Device: "devpts", Flags: nosuid | noexec, Data: "newinstance,ptmxmode=0666,mode=0620,gid=5"},
			{Source: "shm", Destination: "/dev/shm", Device: "tmpfs", Flags: nosuid | noexec | nodev, Data: "mode=1777,size=65536k"},
			{Source: "mqueue", Destination: "/dev/mqueue", Device: "mqueue", Flags: nosuid | noexec | nodev},
			{Source: "sysfs", Destination: "/sys", Device: "sysfs", Flags: nosuid | noexec | nodev | unix.MS_RDONLY},
			{Source: "cgroup", Destination: "/sys/fs/cgroup", Device: "cgroup", Flags: nosuid | noexec | nodev | unix.MS_RELATIME | unix.MS_RDONLY},
		},
		Devices: []*configs.Device{
			dev("/dev/null", 1, 3), dev("/dev/zero", 1, 5), dev("/dev/full", 1, 7),
			dev("/dev/random", 1, 8), dev("/dev/urandom", 1, 9), dev("/dev/tty", 5, 0),
		},
		MaskPaths: []string{
			"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
			"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
		},
		ReadonlyPaths: []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"},
	}
}
