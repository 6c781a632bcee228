package mountinfo

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	in := `22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
35 22 0:30 / /sys/fs/cgroup/memory rw,relatime shared:15 master:3 - cgroup cgroup rw,memory
40 1 8:1 /a\040b /mnt/with\040space rw - ext4 /dev/sda1 rw
bogus line
41 1 8:1 / /x rw -
`
	got, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{ID: 22, Root: "/", Mountpoint: "/sys", Opts: "rw,nosuid,nodev,noexec,relatime", Optional: []string{"shared:7"}, FSType: "sysfs", Source: "sysfs", SuperOpts: "rw"},
		{ID: 35, Root: "/", Mountpoint: "/sys/fs/cgroup/memory", Opts: "rw,relatime", Optional: []string{"shared:15", "master:3"}, FSType: "cgroup", Source: "cgroup", SuperOpts: "rw,memory"},
		{ID: 40, Root: "/a b", Mountpoint: "/mnt/with space", Opts: "rw", Optional: []string{}, FSType: "ext4", Source: "/dev/sda1", SuperOpts: "rw"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if !got[0].IsShared() || got[2].IsShared() {
		t.Error("IsShared")
	}
}

func TestReadSelf(t *testing.T) {
	es, err := Read("/proc/self/mountinfo")
	if err != nil || len(es) == 0 {
		t.Fatalf("%d entries, %v", len(es), err)
	}
}

// oneByteReader returns at most one byte per Read, the worst case for
// readAll's loop.
type oneByteReader struct{ r *strings.Reader }

func (o oneByteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

// failingReader returns some text, then an error.
type failingReader struct{ done bool }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.done {
		return 0, errors.New("device gone")
	}
	f.done = true
	return copy(p, "1 0 0:1 / / rw - ext4 /dev/a rw\n"), nil
}

// TestParseLargeAndOddInput covers a table larger than the first buffer,
// short reads, CRLF line ends, a last line without a newline and a read
// error.
func TestParseLargeAndOddInput(t *testing.T) {
	var b strings.Builder
	const n = 2000 // ~100 KiB: the buffer grows several times
	for i := range n {
		fmt.Fprintf(&b, "%d 1 0:%d / /mnt/m%d rw,relatime shared:%d - tmpfs tmpfs rw,size=%dk\n", i+10, i, i, i, i)
	}
	big := b.String()
	got, err := Parse(strings.NewReader(big))
	if err != nil || len(got) != n {
		t.Fatalf("%d entries, %v", len(got), err)
	}
	last := got[n-1]
	if last.ID != n+9 || last.Mountpoint != fmt.Sprintf("/mnt/m%d", n-1) || last.SuperOpts != fmt.Sprintf("rw,size=%dk", n-1) {
		t.Fatalf("last entry %+v", last)
	}

	odd := "1 0 0:1 / / rw - ext4 /dev/a rw\r\n2 1 0:2 / /b ro shared:1 - tmpfs none rw"
	got, err = Parse(oneByteReader{strings.NewReader(odd)})
	if err != nil || len(got) != 2 {
		t.Fatalf("%d entries, %v", len(got), err)
	}
	if got[0].SuperOpts != "rw" || got[1].Mountpoint != "/b" || got[1].SuperOpts != "rw" {
		t.Fatalf("odd input: %+v", got)
	}

	if _, err := Parse(&failingReader{}); err == nil || !strings.Contains(err.Error(), "device gone") {
		t.Fatalf("read error: %v", err)
	}
}
