package libcontainer

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Destroy removes the container: its processes (only when force is set
// for a running or paused one), cgroup and state directory, then runs the
// poststop hooks. A created or stopped container needs no force.
func (c *Container) Destroy(force bool) error {
	return c.withLock(func() error {
		if c.state == nil {
			// Re-read: the creator may have finished while we waited for the lock.
			if st, raw, err := readState(c.dir); err == nil {
				c.setLoaded(st, raw)
				if c.cgroup == nil {
					c.cgroupPaths = st.CgroupPaths
				}
			}
		}
		st, err := c.statusLocked()
		if err != nil {
			return err
		}
		if err := c.loadCgroup(); err != nil {
			return err
		}
		if (st == Running || st == Paused) && !force {
			return &StateError{ID: c.id, Op: "delete", Status: st}
		}
		if c.state != nil && st != Stopped {
			c.killInit(st == Paused)
		}
		if c.cgroup != nil {
			if err := destroyCgroup(c.cgroup); err != nil {
				return fmt.Errorf("container %s: remove cgroup: %w", c.id, err)
			}
		}
		if c.init != nil {
			c.init.release()
		}
		if err := os.RemoveAll(c.dir); err != nil {
			return fmt.Errorf("container %s: remove state: %w", c.id, err)
		}
		if c.state != nil && c.hasHooks(configs.Poststop) {
			cfg, err := c.configLocked()
			if err == nil {
				err = runHooks(cfg.Hooks, configs.Poststop, c.ociState(Stopped, 0))
			}
			if err != nil {
				c.log.Warn("poststop hook failed", "id", c.id, "err", err)
			}
		}
		return nil
	})
}

// killInit SIGKILLs the init and waits until it is gone.
func (c *Container) killInit(paused bool) {
	fd, err := openPidfd(c.state.InitPid, c.state.InitStartTime)
	if err != nil {
		return
	}
	defer unix.Close(fd)
	unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)
	if paused && c.cgroup != nil {
		c.cgroup.Freeze(configs.Thawed)
	}
	waitPidfdExit(fd, 10*time.Second)
	if c.init != nil {
		c.init.wait()
	} else {
		unix.Wait4(c.state.InitPid, nil, unix.WNOHANG, nil)
	}
}

func sleepBackoff(i int) {
	d := time.Duration(i+1) * time.Millisecond
	if d > 20*time.Millisecond {
		d = 20 * time.Millisecond
	}
	time.Sleep(d)
}
