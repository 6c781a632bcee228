// Command oci-run is a runc-compatible OCI container runtime: the same
// subcommands, flags, exit codes and JSON as runc, on oci-run's library.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/oci-run/oci-run/internal/phase"
	"github.com/oci-run/oci-run/libcontainer"
)

// startTime is when main started (for --debug timings).
var startTime time.Time

// atExit runs just before main exits (the ociprof build's profile writers).
var atExit []func()

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// init keeps a container init on the main thread: package init runs there,
// and some per-process attributes (SELinux key label) may only be set by
// the thread-group leader.
func init() {
	if len(os.Args) > 1 && os.Args[1] == "init" {
		runtime.LockOSThread()
	}
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "init" {
		libcontainer.Init() // never returns
	}
	startTime = time.Now()
	phase.Mark("main")
	code := run(os.Args[1:])
	phase.Mark("exit")
	phase.Flush()
	for _, f := range atExit {
		f()
	}
	os.Exit(code)
}

// exitError carries a specific exit code (e.g. the container's status).
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// run parses the global flags and runs one subcommand; it returns the exit
// code.
func run(args []string) int {
	g, rest, err := parseGlobal(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "oci-run:", err)
		return 1
	}
	defer g.close()
	if g.showVersion {
		printVersion()
		return 0
	}
	if len(rest) == 0 || g.showHelp {
		usage(os.Stdout)
		if len(rest) == 0 && !g.showHelp {
			return 1
		}
		return 0
	}
	cmd, ok := commands()[rest[0]]
	if !ok {
		g.fail(fmt.Errorf("unknown command %q (see oci-run --help)", rest[0]))
		return 1
	}
	if err := cmd.run(g, rest[1:]); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		g.fail(err)
		return 1
	}
	return 0
}

// command is one subcommand.
type command struct {
	summary string
	run     func(g *global, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"create":   {"create a container from a bundle, ready to start", cmdCreate},
		"start":    {"start the process of a created container", cmdStart},
		"run":      {"create and start a container", cmdRun},
		"state":    {"print the state of a container as JSON", cmdState},
		"kill":     {"send a signal to a container's init (default SIGTERM)", cmdKill},
		"delete":   {"delete a container and everything it holds", cmdDelete},
		"list":     {"list containers", cmdList},
		"spec":     {"write a default config.json", cmdSpec},
		"features": {"print what this build supports, as JSON", cmdFeatures},
		"pause":    {"freeze every process of a running container", cmdPause},
		"resume":   {"thaw a paused container", cmdResume},
		"update":   {"change a container's resource limits while it runs", cmdUpdate},
		"ps":       {"list a container's processes", cmdPs},
		"events":   {"print a container's stats and OOM events as JSON lines", cmdEvents},
		"exec":     {"run a process in a running container", cmdExec},
	}
}
