package shim

import (
	"flag"
	"fmt"
	"io"
	"os"
)

// Flags are the command-line flags containerd passes to a runtime v2 shim,
// for every action.
type Flags struct {
	Namespace     string // -namespace: containerd namespace of the task
	ID            string // -id: the task (container) id
	Address       string // -address: containerd's gRPC address
	PublishBinary string // -publish-binary: binary to publish events with
	Bundle        string // -bundle: bundle directory (default: cwd)
	Socket        string // -socket: ignored, the socket is derived
	Debug         bool   // -debug: debug logs
	Version       bool   // -v: print the version
	Action        string // "start", "delete", or "" for the daemon
}

// ParseFlags parses the shim's arguments (without argv[0]).
func ParseFlags(args []string, stderr io.Writer) (*Flags, error) {
	f := &Flags{}
	fs := flag.NewFlagSet("containerd-shim-ocirun-v2", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.Namespace, "namespace", "", "namespace that owns the shim")
	fs.StringVar(&f.ID, "id", "", "id of the task")
	fs.StringVar(&f.Address, "address", "", "gRPC address of containerd")
	fs.StringVar(&f.PublishBinary, "publish-binary", "", "binary used to publish events (containerd)")
	fs.StringVar(&f.Bundle, "bundle", "", "bundle directory (default: the current directory)")
	fs.StringVar(&f.Socket, "socket", "", "ignored: the socket address is derived from namespace and id")
	fs.BoolVar(&f.Debug, "debug", false, "enable debug logs")
	fs.BoolVar(&f.Version, "v", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	f.Action = fs.Arg(0)
	if fs.NArg() > 1 {
		return nil, fmt.Errorf("unexpected arguments after %q: %v", f.Action, fs.Args()[1:])
	}
	switch f.Action {
	case "", "start", "delete":
	default:
		return nil, fmt.Errorf("unknown action %q (want start or delete)", f.Action)
	}
	if f.Version {
		return f, nil
	}
	if f.Namespace == "" {
		return nil, fmt.Errorf("-namespace is required")
	}
	if f.ID == "" {
		return nil, fmt.Errorf("-id is required")
	}
	if f.Bundle == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("bundle: current directory: %w", err)
		}
		f.Bundle = wd
	}
	return f, nil
}

// daemonArgs are the arguments the "start" action gives the daemon: the
// same flags, no action.
func (f *Flags) daemonArgs() []string {
	args := []string{"-namespace", f.Namespace, "-id", f.ID, "-address", f.Address,
		"-publish-binary", f.PublishBinary, "-bundle", f.Bundle}
	if f.Debug {
		args = append(args, "-debug")
	}
	return args
}
