package libcontainer

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

const lockFile = "lock"

// containerLock is an exclusive flock on <state dir>/lock, held for every
// mutating operation on one container.
type containerLock struct{ f *os.File }

func lockDir(dir string) (*containerLock, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return &containerLock{f: f}, nil
}

func (l *containerLock) unlock() {
	if l != nil && l.f != nil {
		l.f.Close() // closing drops the flock
		l.f = nil
	}
}

// withLock runs f holding both the Container's mutex (callers in this
// process) and the container's flock (other processes).
func (c *Container) withLock(f func() error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	lock, err := lockDir(c.dir)
	if err != nil {
		return fmt.Errorf("container %s: %w", c.id, err)
	}
	defer lock.unlock()
	return f()
}
