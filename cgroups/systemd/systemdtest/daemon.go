// Package systemdtest runs what the systemd cgroup driver talks to, for
// tests on machines without systemd: a private dbus-daemon (Daemon) and a
// stand-in for systemd's manager object (Systemd) that records every call
// and lays out cgroup directories as systemd would.
package systemdtest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// daemonConfig is a bus that anyone connecting may use fully: the tests
// own it and nobody else knows its socket.
const daemonConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// Daemon is a private dbus-daemon listening on a socket in a directory
// the caller owns.
type Daemon struct {
	// Address is the bus address (for fscommon.Options.DBusAddress).
	Address string
	cmd     *exec.Cmd
	done    chan error
}

// DaemonBinary finds dbus-daemon, installing Debian's "dbus" package with
// apt-get when it is missing. The error says what failed, so a test can
// fail loudly instead of skipping.
func DaemonBinary() (string, error) {
	if p, err := exec.LookPath("dbus-daemon"); err == nil {
		return p, nil
	}
	for _, args := range [][]string{{"update"}, {"install", "-y", "--no-install-recommends", "dbus"}} {
		cmd := exec.Command("apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("dbus-daemon is not installed and apt-get %s failed: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	p, err := exec.LookPath("dbus-daemon")
	if err != nil {
		return "", fmt.Errorf("dbus-daemon still missing after installing the dbus package: %w", err)
	}
	return p, nil
}

// StartDaemon starts dbus-daemon with its config and socket in dir and
// waits for it to print its address (10 s at most).
func StartDaemon(dir string) (*Daemon, error) {
	bin, err := DaemonBinary()
	if err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(daemonConfig, sock)), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--config-file", conf, "--nofork", "--print-address")
	// Its stderr (a harmless "Failed to set fd limit" without
	// CAP_SYS_RESOURCE, say) goes into errors, not the test output.
	var stderr syncBuffer
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	d := &Daemon{cmd: cmd, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		addr <- strings.TrimSpace(line)
	}()
	go func() { d.done <- cmd.Wait() }()
	select {
	case a := <-addr:
		if a == "" {
			d.Close()
			return nil, fmt.Errorf("dbus-daemon printed no address: %s", stderr.String())
		}
		d.Address = a
		return d, nil
	case err := <-d.done:
		d.done <- err
		return nil, fmt.Errorf("dbus-daemon exited before printing its address: %v: %s", err, stderr.String())
	case <-time.After(10 * time.Second):
		d.Close()
		return nil, fmt.Errorf("dbus-daemon printed no address within 10s: %s", stderr.String())
	}
}

// Close kills the daemon and waits for it.
func (d *Daemon) Close() {
	_ = d.cmd.Process.Kill()
	<-d.done
}

// syncBuffer is a bytes.Buffer safe for the writer goroutine of exec.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
