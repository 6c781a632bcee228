package libcontainer

import "os"

// sealPrep opens the sealed handle on the runtime binary (sealedExe) in
// the background, started when create or exec begins: the detached tmpfs
// and overlay mounts take ~0.4 ms, which then overlap the cgroup manager
// and the init plan (create) or the loading of the container (exec)
// instead of coming right before the clone.
type sealPrep struct {
	path string
	done chan sealed
}

// sealed is the outcome of a background sealedExe.
type sealed struct {
	f   *os.File
	err error
}

func startSeal(path string) *sealPrep {
	p := &sealPrep{path: path, done: make(chan sealed, 1)}
	go func() {
		f, err := sealedExe(path)
		p.done <- sealed{f, err}
	}()
	return p
}

// initExePath is the binary the init is started from.
func (c *Container) initExePath() string {
	if c.opts.InitPath != "" {
		return c.opts.InitPath
	}
	return "/proc/self/exe"
}

// sealedInit returns the sealed handle on path: the one started in the
// background for it if there is one, else a new one. The caller closes it.
func (c *Container) sealedInit(path string) (*os.File, error) {
	if p := c.sealPrep; p != nil && p.path == path {
		c.sealPrep = nil
		r := <-p.done
		return r.f, r.err
	}
	return sealedExe(path)
}

// dropSeal closes a background handle nobody took (create or exec failed
// before starting its process).
func (c *Container) dropSeal() {
	if p := c.sealPrep; p != nil {
		c.sealPrep = nil
		if r := <-p.done; r.f != nil {
			r.f.Close()
		}
	}
}
