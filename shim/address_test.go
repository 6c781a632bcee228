package shim

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSocketAddress(t *testing.T) {
	a := SocketAddress("/run/containerd/s", "/run/containerd/containerd.sock", "default", "c1")
	if !strings.HasPrefix(a, "unix:///run/containerd/s/") || len(strings.TrimPrefix(a, "unix:///run/containerd/s/")) != 64 {
		t.Fatalf("address %q: want unix:///run/containerd/s/<sha256 hex>", a)
	}
	if b := SocketAddress("/run/containerd/s", "/run/containerd/containerd.sock", "default", "c1"); b != a {
		t.Errorf("not deterministic: %q vs %q", a, b)
	}
	for _, other := range [][3]string{
		{"/other.sock", "default", "c1"},
		{"/run/containerd/containerd.sock", "k8s.io", "c1"},
		{"/run/containerd/containerd.sock", "default", "c2"},
	} {
		if b := SocketAddress("/run/containerd/s", other[0], other[1], other[2]); b == a {
			t.Errorf("%v gives the same address as the default", other)
		}
	}
	p, err := socketPath(a)
	if err != nil || len(p) > 107 {
		t.Errorf("socket path %q %v", p, err)
	}
	if _, err := socketPath("/no/scheme"); err == nil {
		t.Error("an address without unix:// was accepted")
	}
	if _, err := socketPath("unix:///" + strings.Repeat("x", 120)); err == nil {
		t.Error("a socket path over 107 bytes was accepted")
	}
}

func TestListenOrReuse(t *testing.T) {
	dir := t.TempDir()
	addr := "unix://" + filepath.Join(dir, "s", "sock")
	l, reused, err := listenOrReuse(addr)
	if err != nil || reused || l == nil {
		t.Fatalf("first listen: %v %v %v", l, reused, err)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	// A live shim is reused.
	if l2, reused, err := listenOrReuse(addr); err != nil || !reused || l2 != nil {
		t.Fatalf("second listen on a served socket: %v %v %v", l2, reused, err)
	}
	// A stale socket file (nobody serving) is replaced.
	l.SetUnlinkOnClose(false)
	l.Close()
	l3, reused, err := listenOrReuse(addr)
	if err != nil || reused {
		t.Fatalf("listen over a stale socket: %v %v", reused, err)
	}
	l3.Close()
}

func TestAddressFile(t *testing.T) {
	dir := t.TempDir()
	if err := writeAddress(dir, "unix:///x/y"); err != nil {
		t.Fatal(err)
	}
	if a, err := readAddress(dir); err != nil || a != "unix:///x/y" {
		t.Errorf("read back %q %v", a, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "."+addressFile+".tmp")); err == nil {
		t.Error("temp file left")
	}
	// removeSocket leaves a served socket alone and removes a dead one.
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	removeSocket("unix://" + sock)
	if _, err := os.Stat(sock); err != nil {
		t.Errorf("served socket removed: %v", err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	removeSocket("unix://" + sock)
	if _, err := os.Stat(sock); err == nil {
		t.Error("dead socket kept")
	}
}
