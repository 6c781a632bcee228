package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/libcontainer"
	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/specconv"
)

const updateUsage = "[-r FILE|-] [--memory N] [--memory-swap N] [--memory-reservation N] " +
	"[--cpu-shares N] [--cpu-quota N] [--cpu-period N] [--cpu-burst N] [--cpu-idle 0|1] " +
	"[--cpu-rt-runtime N] [--cpu-rt-period N] [--cpuset-cpus LIST] [--cpuset-mems LIST] " +
	"[--pids-limit N] [--blkio-weight N] ID"

// updateFlags lists update's value flags in the order they are applied.
// Every one is a string, parsed here so that an error names the flag.
var updateFlags = []string{
	"memory", "memory-swap", "memory-reservation", "kernel-memory", "kernel-memory-tcp",
	"cpu-shares", "cpu-share", "cpu-quota", "cpu-period", "cpu-burst", "cpu-idle",
	"cpu-rt-runtime", "cpu-rt-period", "cpuset-cpus", "cpuset-mems",
	"pids-limit", "blkio-weight", "l3-cache-schema", "mem-bw-schema",
}

// cmdUpdate changes a container's resource limits while it runs. Values
// come from -r (an OCI LinuxResources JSON file, "-" for stdin) and from
// flags; a flag wins over the same field in the file. Only what is given
// changes.
func cmdUpdate(g *global, args []string) error {
	fs := newFlags("update")
	var resources string
	fs.StringVar(&resources, "resources", "", "OCI LinuxResources JSON file, - for stdin")
	fs.StringVar(&resources, "r", "", "OCI LinuxResources JSON file, - for stdin (short)")
	vals := make(map[string]*string, len(updateFlags))
	for _, name := range updateFlags {
		vals[name] = fs.String(name, "", "")
	}
	pos, err := parseArgs(fs, args, 1, 1, updateUsage)
	if err != nil {
		return err
	}
	given := map[string]string{}
	fs.Visit(func(f *flag.Flag) {
		if v, ok := vals[f.Name]; ok {
			given[f.Name] = *v
		}
	})
	for _, name := range []string{"l3-cache-schema", "mem-bw-schema"} {
		if _, ok := given[name]; ok {
			return fmt.Errorf("update: --%s: Intel RDT is not supported by oci-run", name)
		}
	}
	for _, name := range []string{"kernel-memory", "kernel-memory-tcp"} {
		if _, ok := given[name]; ok {
			g.log.Warn("update: --" + name + " is ignored: kernel memory limits are obsolete")
		}
	}

	r := &specs.LinuxResources{}
	if resources != "" {
		if r, err = readResources(resources); err != nil {
			return err
		}
	}
	if err := applyUpdateFlags(r, given); err != nil {
		return err
	}
	res, err := convertUpdateResources(g, pos[0], r)
	if err != nil {
		return err
	}
	c, err := libcontainer.Load(g.root, pos[0], g.options())
	if err != nil {
		return err
	}
	return c.Update(res)
}

// readResources decodes an OCI LinuxResources JSON from a file or stdin.
func readResources(path string) (*specs.LinuxResources, error) {
	var in io.Reader = os.Stdin
	name := "standard input"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("update: --resources: %w", err)
		}
		defer f.Close()
		in, name = f, path
	}
	dec := json.NewDecoder(in)
	dec.DisallowUnknownFields()
	var r specs.LinuxResources
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("update: --resources %s: not an OCI LinuxResources JSON: %w", name, err)
	}
	return &r, nil
}

// applyUpdateFlags stores the given flags in r, over what -r set.
func applyUpdateFlags(r *specs.LinuxResources, given map[string]string) error {
	mem := func() *specs.LinuxMemory {
		if r.Memory == nil {
			r.Memory = &specs.LinuxMemory{}
		}
		return r.Memory
	}
	cpu := func() *specs.LinuxCPU {
		if r.CPU == nil {
			r.CPU = &specs.LinuxCPU{}
		}
		return r.CPU
	}
	for _, name := range updateFlags {
		v, ok := given[name]
		if !ok {
			continue
		}
		bad := func(err error) error {
			return fmt.Errorf("update: --%s %q: %w", name, v, err)
		}
		switch name {
		case "memory", "memory-swap", "memory-reservation":
			n, err := parseMemory(v)
			if err != nil {
				return bad(err)
			}
			switch name {
			case "memory":
				mem().Limit = &n
			case "memory-swap":
				mem().Swap = &n
			default:
				mem().Reservation = &n
			}
		case "cpu-shares", "cpu-share", "cpu-period", "cpu-rt-period", "cpu-burst":
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				return bad(errors.New("must be a non-negative integer"))
			}
			switch name {
			case "cpu-period":
				if n < 1000 || n > 1000000 {
					return bad(errors.New("must be between 1000 and 1000000 (µs)"))
				}
				cpu().Period = &n
			case "cpu-rt-period":
				cpu().RealtimePeriod = &n
			case "cpu-burst":
				cpu().Burst = &n
			default:
				cpu().Shares = &n
			}
		case "cpu-quota", "cpu-rt-runtime":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return bad(errors.New("must be an integer"))
			}
			if name == "cpu-quota" {
				if n != -1 && n < 1000 {
					return bad(errors.New("must be -1 (no limit) or at least 1000 (µs)"))
				}
				cpu().Quota = &n
			} else {
				cpu().RealtimeRuntime = &n
			}
		case "cpu-idle":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || (n != 0 && n != 1) {
				return bad(errors.New("must be 0 or 1"))
			}
			cpu().Idle = &n
		case "cpuset-cpus":
			cpu().Cpus = v
		case "cpuset-mems":
			cpu().Mems = v
		case "pids-limit":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n == 0 || n < -1 {
				return bad(errors.New("must be -1 (no limit) or a positive integer"))
			}
			r.Pids = &specs.LinuxPids{Limit: &n}
		case "blkio-weight":
			n, err := strconv.ParseUint(v, 10, 16)
			if err != nil || n < 10 || n > 1000 {
				return bad(errors.New("must be between 10 and 1000"))
			}
			w := uint16(n)
			if r.BlockIO == nil {
				r.BlockIO = &specs.LinuxBlockIO{}
			}
			r.BlockIO.Weight = &w
		}
	}
	return nil
}

// convertUpdateResources turns the OCI resources into the library's with
// specconv's own converter (through ToConfig, on a spec that holds nothing
// else). Device rules are not changed by update, as with runc: any in the
// input are ignored with a warning.
func convertUpdateResources(g *global, id string, r *specs.LinuxResources) (*configs.Resources, error) {
	if len(r.Devices) > 0 {
		g.log.Warn("update: device rules cannot be changed by update and are ignored")
	}
	rc := *r
	rc.Devices = nil
	spec := &specs.Spec{
		Version: specs.Version,
		Root:    &specs.Root{Path: "/"},
		Linux:   &specs.Linux{Resources: &rc},
	}
	cfg, err := specconv.ToConfig(spec, specconv.Options{ID: id, BundleDir: "/", Logger: g.log})
	if err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	if cfg.Cgroups == nil || cfg.Cgroups.Resources == nil {
		return nil, errors.New("update: resources did not convert")
	}
	res := cfg.Cgroups.Resources
	res.Devices = nil // ToConfig adds the default rules; update keeps the current ones
	return res, nil
}

// parseMemory reads a memory size as runc does: "-1" (unlimited), a plain
// number of bytes, or a number with a binary unit: "512k", "64m", "1g",
// "1.5G", "2gb", "1GiB" (k, m, g, t, p; case-insensitive).
func parseMemory(s string) (int64, error) {
	if s == "-1" {
		return -1, nil
	}
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimSuffix(t, "b")
	t = strings.TrimSuffix(t, "i")
	mult := float64(1)
	if n := len(t); n > 0 {
		if i := strings.IndexByte("kmgtp", t[n-1]); i >= 0 {
			mult = math.Pow(1024, float64(i+1))
			t = strings.TrimSpace(t[:n-1])
		}
	}
	if t == "" || strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		return 0, errors.New(`must be -1 or a size such as 1048576, 512k, 64m or 1g`)
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(t, "eEx") {
		return 0, errors.New(`must be -1 or a size such as 1048576, 512k, 64m or 1g`)
	}
	v := f * mult
	if v >= math.MaxInt64 {
		return 0, errors.New("too large")
	}
	return int64(v), nil
}
