package cgroups

import "github.com/oci-run/oci-run/cgroups/fscommon"

// Options configure New and Load: Root (default /sys/fs/cgroup), V2Root
// (the cgroup2 mount for the v2 driver; default Root) and Logger (nil
// discards).
type Options = fscommon.Options
