// Package phase records when a command reaches each of its phases, for
// finding where the time of a short-lived command goes (docs/benchmarks.md).
//
// It is off unless the environment variable OCIRUN_PHASES names a file;
// then Mark keeps a CLOCK_MONOTONIC stamp per call and Flush appends them
// to that file as "<nanoseconds> <pid> <name>" lines. The clock is the
// system-wide monotonic one, so the lines of several processes (the CLI
// and a Go container init) can be merged and compared. Off, Mark costs a
// branch.
package phase

import (
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// EnvFile names the environment variable that turns recording on.
const EnvFile = "OCIRUN_PHASES"

var (
	file  = os.Getenv(EnvFile)
	mu    sync.Mutex
	marks []mark
)

type mark struct {
	ns   int64
	name string
}

// Enabled reports whether marks are being recorded.
func Enabled() bool { return file != "" }

// Mark records that the process has reached the phase name.
func Mark(name string) {
	if file == "" {
		return
	}
	// The stamp is taken under the lock, so marks from several goroutines
	// are kept in stamp order.
	var ts unix.Timespec
	mu.Lock()
	if unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts) == nil {
		marks = append(marks, mark{ts.Nano(), name})
	}
	mu.Unlock()
}

// Flush appends the recorded marks to the file and forgets them. Errors
// are ignored: tracing must not change what the command does.
func Flush() {
	if file == "" {
		return
	}
	mu.Lock()
	defer mu.Unlock()
	if len(marks) == 0 {
		return
	}
	pid := strconv.Itoa(os.Getpid())
	var b []byte
	for _, m := range marks {
		b = strconv.AppendInt(b, m.ns, 10)
		b = append(b, ' ')
		b = append(b, pid...)
		b = append(b, ' ')
		b = append(b, m.name...)
		b = append(b, '\n')
	}
	marks = marks[:0]
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return
	}
	f.Write(b)
	f.Close()
}
