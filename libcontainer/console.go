package libcontainer

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// setupConsole makes a pty in the container's devpts, sends the master to
// the console socket (SCM_RIGHTS, as runc's --console-socket) and returns
// the slave, obtained with TIOCGPTPEER so no path is looked up.
func setupConsole(sockFD int, proc *configs.Process) (*os.File, error) {
	if sockFD < 0 {
		return nil, fmt.Errorf("terminal requested without a console socket")
	}
	mfd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open /dev/ptmx: %w", err)
	}
	master := os.NewFile(uintptr(mfd), "/dev/ptmx")
	defer master.Close()
	if err := unix.IoctlSetPointerInt(mfd, unix.TIOCSPTLCK, 0); err != nil {
		return nil, fmt.Errorf("unlock pty: %w", err)
	}
	sfd, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(mfd), unix.TIOCGPTPEER, uintptr(unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC))
	if errno != 0 {
		return nil, fmt.Errorf("open pty peer: %w", errno)
	}
	slave := os.NewFile(sfd, "pty-slave")
	if proc.ConsoleWidth > 0 && proc.ConsoleHeight > 0 {
		ws := &unix.Winsize{Row: proc.ConsoleHeight, Col: proc.ConsoleWidth}
		if err := unix.IoctlSetWinsize(mfd, unix.TIOCSWINSZ, ws); err != nil {
			slave.Close()
			return nil, fmt.Errorf("set console size: %w", err)
		}
	}
	name := "/dev/pts/"
	if n, err := unix.IoctlGetInt(mfd, unix.TIOCGPTN); err == nil {
		name = fmt.Sprintf("/dev/pts/%d", n)
	}
	if err := unix.Sendmsg(sockFD, []byte(name), unix.UnixRights(mfd), nil, 0); err != nil {
		slave.Close()
		return nil, fmt.Errorf("send pty master to console socket: %w", err)
	}
	unix.Close(sockFD)
	return slave, nil
}

// becomeTTY makes the pty slave the controlling terminal and stdio.
func becomeTTY(slave *os.File) error {
	fd := int(slave.Fd())
	if err := unix.IoctlSetInt(fd, unix.TIOCSCTTY, 0); err != nil {
		return fmt.Errorf("set controlling terminal: %w", err)
	}
	for i := 0; i < 3; i++ {
		if err := unix.Dup3(fd, i, 0); err != nil {
			return fmt.Errorf("dup pty to fd %d: %w", i, err)
		}
	}
	return slave.Close()
}
