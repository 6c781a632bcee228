package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/libcontainer"
)

// global holds the flags that come before the subcommand.
type global struct {
	root          string
	logPath       string
	logFormat     string
	debug         bool
	systemdCgroup bool
	rootless      string
	showVersion   bool
	showHelp      bool

	log     *slog.Logger
	logFile *os.File
}

func parseGlobal(args []string) (*global, []string, error) {
	g := &global{}
	fs := flag.NewFlagSet("oci-run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&g.root, "root", defaultRoot(), "directory for container state")
	fs.StringVar(&g.logPath, "log", "", "log file (default stderr)")
	fs.StringVar(&g.logFormat, "log-format", "text", "log format: text or json")
	fs.BoolVar(&g.debug, "debug", false, "log debug messages")
	fs.BoolVar(&g.systemdCgroup, "systemd-cgroup", false, "use the systemd cgroup driver")
	fs.StringVar(&g.rootless, "rootless", "auto", "rootless mode: true, false or auto")
	fs.StringVar(new(string), "criu", "criu", "path to criu (accepted for compatibility)")
	fs.BoolVar(&g.showVersion, "version", false, "print the version")
	fs.BoolVar(&g.showVersion, "v", false, "print the version")
	fs.BoolVar(&g.showHelp, "help", false, "show help")
	fs.BoolVar(&g.showHelp, "h", false, "show help")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			g.showHelp = true
			return g, nil, g.setupLog()
		}
		return nil, nil, err
	}
	if g.logFormat != "text" && g.logFormat != "json" {
		return nil, nil, fmt.Errorf("--log-format %q: must be text or json", g.logFormat)
	}
	if g.root == "" {
		return nil, nil, errors.New("--root must not be empty")
	}
	return g, fs.Args(), g.setupLog()
}

// setupLog builds the logger: runc's level names (lower case) so that
// containerd's go-runc can find the last error in a JSON log.
func (g *global) setupLog() error {
	var w io.Writer = os.Stderr
	if g.logPath != "" {
		f, err := os.OpenFile(g.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("open log file %s: %w", g.logPath, err)
		}
		g.logFile, w = f, f
	}
	level := slog.LevelWarn
	if g.debug {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.LevelKey {
			a.Value = slog.StringValue(strings.ToLower(a.Value.String()))
		}
		return a
	}}
	if g.logFormat == "json" {
		g.log = slog.New(slog.NewJSONHandler(w, opts))
	} else {
		g.log = slog.New(slog.NewTextHandler(w, opts))
	}
	return nil
}

func (g *global) close() {
	if g.logFile != nil {
		g.logFile.Close()
	}
}

// fail reports an error: to the log (where containerd looks for it) and,
// when the log is a file, also as a plain line on stderr.
func (g *global) fail(err error) {
	if g.log == nil {
		fmt.Fprintln(os.Stderr, "oci-run:", err)
		return
	}
	g.log.Error(err.Error())
	if g.logFile != nil {
		fmt.Fprintln(os.Stderr, "oci-run:", err)
	}
}

func (g *global) options() libcontainer.Options {
	return libcontainer.Options{Logger: g.log}
}

func printVersion() {
	fmt.Printf("oci-run version %s\nspec: %s\ngo: %s\n", version, specs.Version, runtime.Version())
}

func usage(w io.Writer) {
	fmt.Fprint(w, `oci-run: run OCI containers (runc-compatible)

Usage: oci-run [global options] COMMAND [options] [arguments]

Global options:
  --root DIR           container state directory (default /run/oci-run)
  --log FILE           log file (default stderr)
  --log-format FORMAT  text or json
  --debug              log debug messages
  --systemd-cgroup     use the systemd cgroup driver
  --version            print the version

Commands:
`)
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
}

// defaultRoot is /run/oci-run for root and, as runc does, a directory in
// $XDG_RUNTIME_DIR (else /tmp/oci-run-<uid>) for anyone else.
func defaultRoot() string {
	if os.Geteuid() == 0 {
		return libcontainer.DefaultRoot
	}
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "oci-run")
	}
	return fmt.Sprintf("/tmp/oci-run-%d", os.Geteuid())
}
