package libcontainer_test

// These examples are compiled by `go test` but never run: they have no
// Output comment, and each would start or change a real container.
// docs/library.md is the guide they go with.

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer"
	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/specconv"
)

// The library runs a container's init by re-executing the program itself.
// main must hand over to Init before doing anything else; a package init
// function keeps the init on the main thread:
//
//	func init() {
//		if libcontainer.IsInit() {
//			runtime.LockOSThread()
//		}
//	}
func ExampleInit() {
	// First thing in main:
	if libcontainer.IsInit() {
		libcontainer.Init() // never returns
	}
	// ... the rest of the program.
}

// Run a bundle's config.json in the foreground, as `oci-run run` does.
func Example_run() {
	const root, id, bundle = "/run/my-tool", "demo", "/srv/bundles/demo"
	spec, err := specconv.LoadSpec(bundle)
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := specconv.ToConfig(spec, specconv.Options{ID: id, BundleDir: bundle})
	if err != nil {
		log.Fatal(err)
	}
	c, err := libcontainer.New(root, id, cfg, libcontainer.Options{})
	if err != nil {
		log.Fatal(err)
	}
	p := &libcontainer.Process{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	if err := c.Run(p); err != nil {
		log.Fatal(err) // nothing of the container is left
	}
	ws, err := c.Wait()
	if err != nil {
		log.Fatal(err)
	}
	if err := c.Destroy(false); err != nil {
		log.Print(err)
	}
	os.Exit(libcontainer.ExitCode(ws))
}

// Create a container, then start its process later.
func ExampleContainer_Create() {
	var cfg *configs.Config // from specconv.ToConfig
	c, err := libcontainer.New("/run/my-tool", "web", cfg, libcontainer.Options{})
	if err != nil {
		log.Fatal(err)
	}
	// nil stdio is /dev/null; a nil Spec runs cfg.Process.
	if err := c.Create(&libcontainer.Process{}); err != nil {
		log.Fatal(err)
	}
	st, _ := c.Status() // libcontainer.Created
	fmt.Println(st, c.State().InitPid)

	if err := c.Start(); err != nil {
		log.Fatal(err)
	}
	// Reap the init when it exits: it is this process's child.
	go c.Wait()
}

// Operate on a container another process (or another Container value)
// created.
func ExampleLoad() {
	c, err := libcontainer.Load("/run/my-tool", "web", libcontainer.Options{})
	if errors.Is(err, libcontainer.ErrNotExist) {
		fmt.Println("no such container")
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	st, err := c.Status()
	if err != nil {
		log.Fatal(err)
	}
	if s := c.State(); s != nil && st != libcontainer.Stopped {
		fmt.Println(c.ID(), st, s.InitPid, s.Bundle)
	}
}

// Stop a container: SIGTERM to its init, SIGKILL to everything in its
// cgroup if it is still there after ten seconds, then remove it.
func ExampleContainer_Signal() {
	c, err := libcontainer.Load("/run/my-tool", "web", libcontainer.Options{})
	if err != nil {
		log.Fatal(err)
	}
	if err := c.Signal(unix.SIGTERM, false); err != nil && !errors.Is(err, libcontainer.ErrNotRunning) {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.WaitExit(ctx); err != nil {
		c.Signal(unix.SIGKILL, true)
	}
	if err := c.Destroy(true); err != nil {
		log.Fatal(err)
	}
}

// Wait for a container's init to exit from a process that is not its
// parent: no exit status, only the fact.
func ExampleContainer_WaitExit() {
	c, err := libcontainer.Load("/run/my-tool", "web", libcontainer.Options{})
	if err != nil {
		log.Fatal(err)
	}
	if err := c.WaitExit(context.Background()); err != nil {
		log.Fatal(err)
	}
	fmt.Println("stopped")
}

// Run an extra process in a running container, as `oci-run exec` does:
// the container's own process with other arguments.
func ExampleContainer_Exec() {
	c, err := libcontainer.Load("/run/my-tool", "web", libcontainer.Options{})
	if err != nil {
		log.Fatal(err)
	}
	cfg := c.Config()
	if cfg == nil || cfg.Process == nil {
		log.Fatal("container not created yet")
	}
	spec := *cfg.Process
	spec.Args = []string{"ps", "aux"}
	spec.Terminal = false
	proc, err := c.Exec(&libcontainer.Process{Spec: &spec, Stdout: os.Stdout, Stderr: os.Stderr}, false)
	if err != nil {
		log.Fatal(err)
	}
	ws, err := proc.Wait()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pid", proc.Pid(), "exit code", libcontainer.ExitCode(ws))
}

// Change limits of a live container: only the fields set change.
func ExampleContainer_Update() {
	c, err := libcontainer.Load("/run/my-tool", "web", libcontainer.Options{})
	if err != nil {
		log.Fatal(err)
	}
	err = c.Update(&configs.Resources{Memory: 256 << 20, PidsLimit: 100})
	if errors.Is(err, libcontainer.ErrNoCgroup) {
		fmt.Println("the container has no cgroup")
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	if s, err := c.Stats(); err == nil {
		fmt.Printf("%+v\n", s.Memory)
	}
}

// Pause and resume every process of a running container.
func ExampleContainer_Pause() {
	c, err := libcontainer.Load("/run/my-tool", "web", libcontainer.Options{})
	if err != nil {
		log.Fatal(err)
	}
	if err := c.Pause(); err != nil {
		log.Fatal(err)
	}
	pids, _ := c.Processes()
	fmt.Println(len(pids), "processes frozen")
	if err := c.Resume(); err != nil {
		log.Fatal(err)
	}
}

// Tell a refused operation apart from other failures.
func ExampleStateError() {
	c, err := libcontainer.Load("/run/my-tool", "web", libcontainer.Options{})
	if err != nil {
		log.Fatal(err)
	}
	err = c.Start()
	var se *libcontainer.StateError
	var ie *libcontainer.InitError
	switch {
	case errors.As(err, &se):
		// Also errors.Is(err, libcontainer.ErrWrongState).
		fmt.Printf("cannot %s: container %s is %s\n", se.Op, se.ID, se.Status)
	case errors.As(err, &ie):
		// Also errors.Is(err, libcontainer.ErrInitFailed).
		fmt.Println("the init failed:", ie.Msg)
	case err != nil:
		log.Fatal(err)
	}
}

// Options: logs through the program's logger, the init from another
// binary of the same build, and a callback once the state is recorded.
func ExampleOptions() {
	var cfg *configs.Config // from specconv.ToConfig
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	opts := libcontainer.Options{
		Logger:   logger,
		InitPath: "/usr/local/bin/oci-run", // must call Init when re-executed
		OnCreated: func(dir string, st *libcontainer.State) {
			logger.Info("container recorded", "id", st.ID, "pid", st.InitPid)
		},
	}
	opts.Cgroups.Logger = logger // the cgroup driver's warnings
	c, err := libcontainer.New("/run/my-tool", "web", cfg, opts)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("reserved", c.ID())
}
