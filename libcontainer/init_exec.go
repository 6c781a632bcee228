package libcontainer

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// runExecInit finishes a process joining a running container: the C stage
// has already joined the init's namespaces (so / and the cwd are the
// container's) and the parent has put us in its cgroup.
func runExecInit(sock *os.File, ic *initConfig) error {
	cfg, proc := ic.Config, ic.Process
	filter, _, err := compileSeccomp(cfg.Seccomp)
	if err != nil {
		return err
	}
	if proc.Terminal {
		if _, err := unix.Setsid(); err != nil {
			return fmt.Errorf("setsid: %w", err)
		}
		slave, err := setupConsole(ic.ConsoleFD, proc)
		if err != nil {
			return err
		}
		if err := becomeTTY(slave); err != nil {
			return err
		}
	}
	if err := setOOMScoreAdj(proc, cfg); err != nil {
		return err
	}
	env := processEnv(proc)
	path, err := lookPath(proc.Args[0], env)
	if err != nil {
		return err
	}
	if err := enterCwd(proc.Cwd); err != nil {
		return err
	}
	if err := setRlimits(proc.Rlimits); err != nil {
		return err
	}
	if err := unix.CloseRange(uint(sock.Fd()), ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err != nil {
		return fmt.Errorf("mark fds close-on-exec: %w", err)
	}
	if err := applyExecLSM(ic.LSM, proc); err != nil {
		return err
	}
	if err := finishIdentity(sock, proc, filter); err != nil {
		return err
	}
	if err := unix.Exec(path, proc.Args, env); err != nil {
		return fmt.Errorf("exec %s: %w", path, err)
	}
	return nil
}
