package libcontainer

import (
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

func hashFile(t *testing.T, f *os.File) [32]byte {
	t.Helper()
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, 1<<40)); err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

func checkSealed(t *testing.T, f *os.File, src string) {
	t.Helper()
	orig, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	if hashFile(t, f) != hashFile(t, orig) {
		t.Fatal("sealed copy differs from the binary")
	}
	// Writing through the handle's /proc path must fail, as it would for
	// a container process opening /proc/<init>/exe.
	// (overlay: the open fails with EROFS; memfd: the open works but the
	// write seal refuses every write with EPERM.)
	w, err := os.OpenFile("/proc/self/fd/"+strconv.Itoa(int(f.Fd())), os.O_WRONLY, 0)
	if err == nil {
		_, err = w.Write([]byte("pwned"))
		w.Close()
		if err == nil {
			t.Fatal("wrote through the sealed handle")
		}
	}
	if !errors.Is(err, unix.EROFS) && !errors.Is(err, unix.EPERM) {
		t.Fatalf("write through sealed handle: %v, want EROFS or EPERM", err)
	}
	if hashFile(t, f) != hashFile(t, orig) {
		t.Fatal("sealed copy changed")
	}
}

func TestSealedExeOverlay(t *testing.T) {
	f, err := overlayExe("/proc/self/exe")
	if err != nil {
		t.Fatalf("overlay seal (this kernel has overlayfs and the new mount API): %v", err)
	}
	defer f.Close()
	checkSealed(t, f, "/proc/self/exe")
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &sfs); err != nil {
		t.Fatal(err)
	}
	if sfs.Type != unix.OVERLAYFS_SUPER_MAGIC {
		t.Fatalf("sealed exe on fs type %#x, want overlayfs", sfs.Type)
	}
}

func TestSealedExeMemfd(t *testing.T) {
	f, err := memfdExe("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checkSealed(t, f, "/proc/self/exe")
	seals, err := unix.FcntlInt(f.Fd(), unix.F_GET_SEALS, 0)
	if err != nil {
		t.Fatal(err)
	}
	if seals&unix.F_SEAL_WRITE == 0 || seals&unix.F_SEAL_SEAL == 0 {
		t.Fatalf("seals %#x lack WRITE or SEAL", seals)
	}
}
