package fscommon

import "log/slog"

// DefaultRoot is where cgroup hierarchies are mounted.
const DefaultRoot = "/sys/fs/cgroup"

// Options configure a cgroup manager.
type Options struct {
	// Root is where the hierarchies are mounted (default /sys/fs/cgroup).
	// A cgroup2 mount here selects the v2 driver; otherwise the v1
	// hierarchies are the mounts below it.
	Root string
	// V2Root is the cgroup2 mount the v2 driver uses. Empty means Root. It
	// lets tests point the v2 driver at a hybrid host's
	// /sys/fs/cgroup/unified or at a temporary directory.
	V2Root string
	// DBusAddress is the D-Bus address the systemd driver talks to
	// org.freedesktop.systemd1 on. Empty means the system bus
	// ($DBUS_SYSTEM_BUS_ADDRESS, else /run/dbus/system_bus_socket). Tests
	// point it at a private dbus-daemon.
	DBusAddress string
	// Logger receives warnings (ignored settings) and debug messages.
	// Nil discards.
	Logger *slog.Logger
}

// RootOrDefault returns Root, or DefaultRoot when it is empty.
func (o Options) RootOrDefault() string {
	if o.Root == "" {
		return DefaultRoot
	}
	return o.Root
}

// Log returns the logger, or one that discards when none was given.
func (o Options) Log() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}
