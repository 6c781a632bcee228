package clients

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ociArchive packs rootfs as a one-layer OCI image archive named name, for
// `ctr images import`.
func ociArchive(t *testing.T, rootfs, name string) string {
	t.Helper()
	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	err := filepath.WalkDir(rootfs, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == rootfs {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		if fi.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		h, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return err
		}
		h.Name = strings.TrimPrefix(p, rootfs+"/")
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			tw.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tw.Close()

	blobs := map[string][]byte{}
	add := func(b []byte) (string, int) {
		sum := sha256.Sum256(b)
		d := "sha256:" + hex.EncodeToString(sum[:])
		blobs[d] = b
		return d, len(b)
	}
	mustJSON := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	layerDigest, layerSize := add(layer.Bytes())
	cfgDigest, cfgSize := add(mustJSON(map[string]any{
		"architecture": "amd64", "os": "linux",
		"config": map[string]any{"Env": []string{"PATH=/bin"}, "Cmd": []string{"/bin/sh"}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{layerDigest}},
	}))
	manDigest, manSize := add(mustJSON(map[string]any{
		"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
		"config": map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfgDigest, "size": cfgSize},
		"layers": []any{map[string]any{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layerDigest, "size": layerSize}},
	}))
	index := mustJSON(map[string]any{
		"schemaVersion": 2,
		"manifests": []any{map[string]any{
			"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manDigest, "size": manSize,
			"platform":    map[string]string{"architecture": "amd64", "os": "linux"},
			"annotations": map[string]string{"io.containerd.image.name": name, "org.opencontainers.image.ref.name": "latest"},
		}},
	})
	path := filepath.Join(t.TempDir(), "image.tar")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	aw := tar.NewWriter(f)
	put := func(name string, b []byte) {
		aw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg})
		aw.Write(b)
	}
	put("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`))
	put("index.json", index)
	for d, b := range blobs {
		put("blobs/sha256/"+strings.TrimPrefix(d, "sha256:"), b)
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// An image run: containerd's overlayfs snapshotter hands the shim overlay
// mounts, which it mounts on the bundle's rootfs and unmounts at delete.
func TestShimImageRootfsMounts(t *testing.T) {
	c := startShimContainerd(t)
	const image = "docker.io/oci-run/shim-test:latest"
	c.ctr("images", "import", ociArchive(t, busyboxRootfs(t), image))
	if out := c.ctr("images", "ls", "-q"); !strings.Contains(out, image) {
		t.Fatalf("image not imported: %q", out)
	}
	const id = "oshim-image"
	c.ctr("run", "-d", "--runtime", shimRuntime, image, id, "/bin/sh", "-c", "echo written > /tmp/f; sleep 1000")
	c.waitTaskStatus(id, "RUNNING")
	rootfs := filepath.Join(c.bundleDir(id), "rootfs")
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	var mounted bool
	for _, line := range strings.Split(string(mi), "\n") {
		if f := strings.Fields(line); len(f) > 8 && f[4] == rootfs && strings.Contains(line, " - overlay ") {
			mounted = true
		}
	}
	if !mounted {
		t.Errorf("no overlay mounted on %s", rootfs)
	}
	if out := c.ctr("task", "exec", "--exec-id", "rd", id, "/bin/cat", "/tmp/f"); out != "written\n" {
		t.Errorf("exec cat: %q", out)
	}
	c.ctr("task", "kill", "-s", "KILL", id)
	c.waitTaskStatus(id, "STOPPED")
	c.ctr("task", "delete", id)
	mi, _ = os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mi), rootfs) {
		t.Errorf("rootfs still mounted after task delete")
	}
	c.ctr("container", "delete", id)
	checkShimGone(t, c, id)
}
