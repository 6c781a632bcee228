package specconv

import (
	"errors"
	"testing"
)

func TestCgroupPlacement(t *testing.T) {
	tests := []struct {
		name                 string
		path                 string
		systemd, rootless    bool
		wantPath             string
		parent, prefix, unit string
	}{
		{name: "fs default", wantPath: "/ctr1"},
		{name: "fs absolute", path: "/a/b/../c", wantPath: "/a/c"},
		{name: "fs relative", path: "a/b", wantPath: "a/b"},
		{name: "systemd default", systemd: true, parent: "system.slice", prefix: "oci-run", unit: "ctr1"},
		{name: "systemd rootless default", systemd: true, rootless: true, parent: "user.slice", prefix: "oci-run", unit: "ctr1"},
		{name: "systemd given", path: "machine.slice:docker:abc", systemd: true, parent: "machine.slice", prefix: "docker", unit: "abc"},
		{name: "systemd empty slice", path: ":crio:abc", systemd: true, parent: "system.slice", prefix: "crio", unit: "abc"},
		{name: "systemd empty prefix", path: "system.slice::abc", systemd: true, parent: "system.slice", unit: "abc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := baseSpec(t)
			spec.Linux.CgroupsPath = tc.path
			opts := testOptions(t)
			opts.Systemd, opts.Rootless = tc.systemd, tc.rootless
			c, err := ToConfig(spec, opts)
			if err != nil {
				t.Fatal(err)
			}
			cg := c.Cgroups
			if cg.Systemd != tc.systemd || cg.Path != tc.wantPath || cg.Parent != tc.parent || cg.ScopePrefix != tc.prefix || cg.Name != tc.unit {
				t.Errorf("got %+v", cg)
			}
			if err := c.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func TestCgroupPlacementErrors(t *testing.T) {
	for _, path := range []string{"system.slice:abc", "a:b:c:d", "system.slice:prefix:", "/plain/path"} {
		spec := baseSpec(t)
		spec.Linux.CgroupsPath = path
		opts := testOptions(t)
		opts.Systemd = true
		_, err := ToConfig(spec, opts)
		var se *SpecError
		if !errors.As(err, &se) || se.Field != "linux.cgroupsPath" {
			t.Errorf("%q: want a SpecError on linux.cgroupsPath, got %v", path, err)
		}
	}
}

func TestCgroupPathEscapeIsCaughtByValidate(t *testing.T) {
	spec := baseSpec(t)
	spec.Linux.CgroupsPath = "a/../../escape"
	c, err := ToConfig(spec, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err == nil {
		t.Errorf("path %q passed Validate", c.Cgroups.Path)
	}
}
