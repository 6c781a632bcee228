package specconv

import (
	"errors"
	"reflect"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

func TestConvertMount(t *testing.T) {
	maps := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 10}}
	cmaps := []configs.IDMap{{ContainerID: 0, HostID: 1000, Size: 10}}
	tests := []struct {
		name      string
		in        specs.Mount
		want      configs.Mount
		wantsMaps bool
	}{
		{
			name: "proc",
			in:   specs.Mount{Destination: "/proc", Type: "proc", Source: "proc"},
			want: configs.Mount{Destination: "/proc", Device: "proc", Source: "proc"},
		},
		{
			name: "bind with relative source",
			in:   specs.Mount{Destination: "/data", Type: "none", Source: "data", Options: []string{"bind", "ro"}},
			want: configs.Mount{Destination: "/data", Device: "bind", Source: "/bundle/data", Flags: unix.MS_BIND | unix.MS_RDONLY},
		},
		{
			name: "rbind with absolute source",
			in:   specs.Mount{Destination: "/data", Source: "/srv/data", Options: []string{"rbind", "rprivate"}},
			want: configs.Mount{Destination: "/data", Device: "bind", Source: "/srv/data", Flags: unix.MS_BIND | unix.MS_REC,
				PropagationFlags: []int{unix.MS_PRIVATE | unix.MS_REC}},
		},
		{
			name: "type bind without option",
			in:   specs.Mount{Destination: "/etc/hosts", Type: "bind", Source: "hosts"},
			want: configs.Mount{Destination: "/etc/hosts", Device: "bind", Source: "/bundle/hosts", Flags: unix.MS_BIND},
		},
		{
			name: "relative source of non-bind kept",
			in:   specs.Mount{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "size=1m"}},
			want: configs.Mount{Destination: "/tmp", Device: "tmpfs", Source: "tmpfs", Flags: unix.MS_NOSUID, Data: "size=1m"},
		},
		{
			name: "mappings imply idmap",
			in:   specs.Mount{Destination: "/d", Type: "bind", Source: "/s", UIDMappings: maps, GIDMappings: maps},
			want: configs.Mount{Destination: "/d", Device: "bind", Source: "/s", Flags: unix.MS_BIND, UIDMappings: cmaps, GIDMappings: cmaps},
		},
		{
			name: "ridmap with mappings",
			in:   specs.Mount{Destination: "/d", Source: "/s", Options: []string{"rbind", "ridmap"}, UIDMappings: maps, GIDMappings: maps},
			want: configs.Mount{Destination: "/d", Device: "bind", Source: "/s", Flags: unix.MS_BIND | unix.MS_REC,
				UIDMappings: cmaps, GIDMappings: cmaps, IDMapRecursive: true},
		},
		{
			name:      "idmap without mappings",
			in:        specs.Mount{Destination: "/d", Source: "/s", Options: []string{"bind", "idmap"}},
			want:      configs.Mount{Destination: "/d", Device: "bind", Source: "/s", Flags: unix.MS_BIND},
			wantsMaps: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, wantsMaps, err := convertMount("mounts[0]", tc.in, "/bundle", discard())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tc.want)
			}
			if wantsMaps != tc.wantsMaps {
				t.Errorf("wantsMaps = %v", wantsMaps)
			}
		})
	}
}

func TestConvertMountRefusesNUL(t *testing.T) {
	for _, m := range []specs.Mount{
		{Destination: "/a\x00b"},
		{Destination: "/a", Source: "x\x00"},
		{Destination: "/a", Type: "t\x00"},
		{Destination: "/a", Options: []string{"ro", "x\x00"}},
	} {
		_, _, err := convertMount("mounts[2]", m, "/b", discard())
		var se *SpecError
		if !errors.As(err, &se) || se.Field[:9] != "mounts[2]" {
			t.Errorf("%+v: want a SpecError on mounts[2], got %v", m, err)
		}
	}
}

func TestIDMapTakesContainerMappings(t *testing.T) {
	spec := baseSpec(t)
	spec.Linux.Namespaces = append(spec.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
	spec.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	spec.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 200000, Size: 65536}}
	spec.Mounts = append(spec.Mounts, specs.Mount{Destination: "/d", Source: "/s", Options: []string{"rbind", "ridmap"}})
	c, err := ToConfig(spec, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	m := c.Mounts[len(c.Mounts)-1]
	if !reflect.DeepEqual(m.UIDMappings, c.UIDMappings) || !reflect.DeepEqual(m.GIDMappings, c.GIDMappings) || !m.IDMapRecursive {
		t.Errorf("mount mappings %+v %+v recursive=%v", m.UIDMappings, m.GIDMappings, m.IDMapRecursive)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	// The mount's copy is its own.
	m.UIDMappings[0].HostID = 1
	if c.UIDMappings[0].HostID != 100000 {
		t.Error("mount mappings alias the container's")
	}
}

func TestIDMapWithoutAnyMappingsFails(t *testing.T) {
	spec := baseSpec(t)
	spec.Mounts = append(spec.Mounts, specs.Mount{Destination: "/d", Source: "/s", Options: []string{"bind", "idmap"}})
	_, err := ToConfig(spec, testOptions(t))
	var se *SpecError
	if !errors.As(err, &se) || se.Field != "mounts[1].options" {
		t.Fatalf("want a SpecError on mounts[1].options, got %v", err)
	}
}
