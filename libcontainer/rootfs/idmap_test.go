package rootfs

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

func TestIDMappedMount(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "owned-1000"), nil, 0o644)
	os.Chown(filepath.Join(src, "owned-1000"), 1000, 1000)
	os.WriteFile(filepath.Join(src, "owned-0"), nil, 0o644)
	cfg := defaultConfig(rootfs)
	cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: src, Destination: "/idmapped", Device: "bind",
		Flags:       unix.MS_BIND | unix.MS_REC,
		UIDMappings: []configs.IDMap{{ContainerID: 0, HostID: 1000, Size: 1}},
		GIDMappings: []configs.IDMap{{ContainerID: 0, HostID: 1000, Size: 1}},
	})
	res := run(t, dir, childRequest{Config: cfg, Finalize: true,
		Stat: []string{"/idmapped/owned-1000", "/idmapped/owned-0"}}, 0, nil)
	mustOK(t, res)
	// On-disk ids are read as ids of the mapping's namespace: 0 shows as
	// host 1000 (what container root maps to), 1000 is unmapped.
	if st := res.Stat["/idmapped/owned-0"]; st.Err != "" || st.UID != 1000 || st.GID != 1000 {
		t.Errorf("owned-0 through the idmapped mount: %+v, want 1000:1000", st)
	}
	if st := res.Stat["/idmapped/owned-1000"]; st.UID != 65534 {
		t.Errorf("owned-1000 through the idmapped mount: %+v, want the overflow uid", st)
	}
	if m := findMount(t, mounts(t, res), "/idmapped"); !hasOpt(m.Opts, "idmapped") {
		t.Errorf("/idmapped options %s", m.Opts)
	}
}
