package libcontainer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/libcontainer/rootfs"
	"github.com/oci-run/oci-run/libcontainer/seccomp"
	"github.com/oci-run/oci-run/nsenter"
)

// Init is the container init. A binary using this package calls it when
// re-executed as "<argv0> init" (see the package doc). It sets the
// container up from the configuration its parent sends, then execs the
// container's process. It never returns: on failure it reports the error
// to the parent and exits 1.
func Init() {
	// Everything below runs on this one OS thread: capabilities, the
	// cgroup namespace and no_new_privs are per-thread, and execve keeps
	// the calling thread's.
	runtime.LockOSThread()
	sockFD, err := strconv.Atoi(os.Getenv(nsenter.EnvSyncFD))
	if err != nil {
		fmt.Fprintln(os.Stderr, "oci-run init: not started by oci-run (no sync fd)")
		os.Exit(1)
	}
	sock := os.NewFile(uintptr(sockFD), "sync")
	os.Clearenv()
	err = runInit(sock)
	// runInit only returns on failure.
	msg := err.Error()
	if werr := nsenter.WriteFrame(sock, nsenter.MsgError, []byte(msg)); werr != nil {
		fmt.Fprintln(os.Stderr, "oci-run init:", msg)
	}
	os.Exit(1)
}

func runInit(sock *os.File) error {
	// Nobody in the container may ptrace the init or open its /proc files
	// while it holds host resources.
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("set non-dumpable: %w", err)
	}
	typ, payload, err := nsenter.ReadFrame(sock, nsenter.MaxFrame)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	if typ != msgInitConfig {
		return fmt.Errorf("expected config frame, got type %d", typ)
	}
	var ic initConfig
	if err := json.Unmarshal(payload, &ic); err != nil {
		return fmt.Errorf("decode config: %w", err)
	}
	cfg, proc := ic.Config, ic.Process
	if cfg == nil || proc == nil {
		return errors.New("config without process")
	}
	// An O_PATH handle on our own fd directory, taken while the host's
	// /proc is still visible, to reopen the exec fifo after pivot_root even
	// when the container mounts no /proc.
	fdDir, err := unix.Open("/proc/self/fd", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open /proc/self/fd: %w", err)
	}
	if ic.Exec {
		unix.Close(fdDir)
		return runExecInit(sock, &ic)
	}
	// The parent joins us to our cgroup while we set up mounts; we wait for
	// it before anything that depends on it: the cgroup namespace (its root
	// is our cgroup), the cgroup mount, hooks.
	cgroupDone := false
	awaitCgroup := func() error {
		if cgroupDone {
			return nil
		}
		cgroupDone = true
		if err := expectFrame(sock, msgCgroupDone); err != nil {
			return err
		}
		if ns, ok := cfg.Namespaces.Get(configs.NEWCGROUP); ok && ns.Path == "" {
			if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
				return fmt.Errorf("unshare cgroup namespace: %w", err)
			}
		}
		return nil
	}
	if _, err := unix.Setsid(); err != nil {
		return fmt.Errorf("setsid: %w", err)
	}
	filter, seccompWarnings, err := compileSeccomp(cfg.Seccomp)
	if err != nil {
		return err
	}
	if !cfg.Namespaces.Contains(configs.NEWNS) {
		return errors.New("a mount namespace is required")
	}
	hookState := func() *specs.State {
		return &specs.State{Version: specs.Version, ID: ic.ID, Status: specs.StateCreating,
			Pid: os.Getpid(), Bundle: ic.Bundle, Annotations: cfg.Annotations}
	}
	err = rootfs.Prepare(cfg, rootfs.Options{
		CgroupPaths:       ic.CgroupPaths,
		BeforeCgroupMount: awaitCgroup,
		BeforeDevices:     awaitCgroup,
		IDMappedTrees:     ic.IDMappedTrees,
		MountLabel: func(fstype, data string) string {
			return ic.LSM.MountData(fstype, data, cfg.MountLabel)
		},
		CreateContainer: func() error {
			if err := awaitCgroup(); err != nil {
				return err
			}
			if ic.HasParentHooks {
				if err := nsenter.WriteFrame(sock, msgHooksReq, nil); err != nil {
					return fmt.Errorf("ask for hooks: %w", err)
				}
				if err := expectFrame(sock, msgHooksDone); err != nil {
					return err
				}
			}
			return runHooks(cfg.Hooks, configs.CreateContainer, hookState())
		},
	})
	if err != nil {
		return err
	}
	if err := awaitCgroup(); err != nil { // no cgroup mount, no hooks
		return err
	}
	if proc.Terminal {
		slave, err := setupConsole(ic.ConsoleFD, proc)
		if err != nil {
			return err
		}
		if err := rootfs.SetupConsole(slave); err != nil {
			return err
		}
		if err := becomeTTY(slave); err != nil {
			return err
		}
	}
	if err := setHostnames(cfg); err != nil {
		return err
	}
	if err := rootfs.ApplySysctls(cfg.Sysctl); err != nil {
		return err
	}
	if err := rootfs.Finalize(cfg); err != nil {
		return err
	}
	if err := setOOMScoreAdj(proc, cfg); err != nil {
		return err
	}
	if !cfg.NoNewKeyring {
		if _, err := ic.LSM.SetKeyLabel(proc.SelinuxLabel); err != nil {
			return err
		}
		if _, err := unix.KeyctlJoinSessionKeyring("_ses." + ic.ID); err != nil &&
			!errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EACCES) && !errors.Is(err, unix.EPERM) {
			return fmt.Errorf("join session keyring: %w", err)
		}
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
	// Nothing but stdio and --preserve-fds may reach the process: every
	// other fd (ours included) closes on exec.
	syncFD := int(sock.Fd())
	if err := unix.CloseRange(uint(syncFD), ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err != nil {
		return fmt.Errorf("mark fds close-on-exec: %w", err)
	}
	if err := applyExecLSM(ic.LSM, proc); err != nil {
		return err
	}
	if err := finishIdentity(sock, proc, filter); err != nil {
		return err
	}
	ready, _ := json.Marshal(seccompWarnings)
	if err := nsenter.WriteFrame(sock, msgReady, ready); err != nil {
		return fmt.Errorf("report ready: %w", err)
	}
	fifo, err := waitForStart(sock, fdDir, ic.FifoFD)
	if err != nil {
		return err
	}
	unix.Close(fdDir)
	startState := hookState()
	startState.Status = specs.StateRunning
	err = runHooks(cfg.Hooks, configs.StartContainer, startState)
	if err == nil {
		err = execProcess(fifo, path, proc.Args, env)
	}
	if fifo >= 0 {
		// `start` is reading: the error goes to it, after no "0" byte.
		unix.Write(fifo, []byte(err.Error()))
	}
	return err
}

// execProcess tells `start` the process is about to run, then execs it.
// The fifo's write end is close-on-exec: `start` reads "0" and then EOF
// only once execve has succeeded.
func execProcess(fifo int, path string, args, env []string) error {
	if fifo >= 0 {
		if _, err := unix.Write(fifo, []byte("0")); err != nil {
			return fmt.Errorf("write exec fifo: %w", err)
		}
	}
	err := unix.Exec(path, args, env)
	if fifo >= 0 {
		unix.Write(fifo, []byte("\n"))
	}
	return fmt.Errorf("exec %s: %w", path, err)
}

func expectFrame(sock *os.File, want uint32) error {
	typ, payload, err := nsenter.ReadFrame(sock, nsenter.MaxFrame)
	if err != nil {
		return fmt.Errorf("wait for parent: %w", err)
	}
	if typ == nsenter.MsgError {
		return fmt.Errorf("parent: %s", payload)
	}
	if typ != want {
		return fmt.Errorf("expected sync frame %d, got %d", want, typ)
	}
	return nil
}

// waitForStart blocks until the container is started: on the exec fifo
// (create/start), returning its write end, or on msgStart (run), returning -1.
func waitForStart(sock *os.File, fdDir, fifoFD int) (int, error) {
	if fifoFD < 0 {
		return -1, expectFrame(sock, msgStart)
	}
	// Opening for writing blocks until `start` opens the fifo for reading.
	fd, err := unix.Openat(fdDir, strconv.Itoa(fifoFD), unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open exec fifo: %w", err)
	}
	unix.Close(fifoFD)
	return fd, nil
}

func setHostnames(cfg *configs.Config) error {
	if cfg.Hostname != "" {
		if err := unix.Sethostname([]byte(cfg.Hostname)); err != nil {
			return fmt.Errorf("set hostname %q: %w", cfg.Hostname, err)
		}
	}
	if cfg.Domainname != "" {
		if err := unix.Setdomainname([]byte(cfg.Domainname)); err != nil {
			return fmt.Errorf("set domainname %q: %w", cfg.Domainname, err)
		}
	}
	return nil
}

func setOOMScoreAdj(proc *configs.Process, cfg *configs.Config) error {
	adj := proc.OOMScoreAdj
	if adj == nil {
		adj = cfg.OOMScoreAdj
	}
	if adj == nil {
		return nil
	}
	f, err := openProcSelf("oom_score_adj", unix.O_WRONLY)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.WriteString(strconv.Itoa(*adj)); err != nil {
		return fmt.Errorf("set oom_score_adj %d: %w (lowering it needs CAP_SYS_RESOURCE)", *adj, err)
	}
	return nil
}

// openProcSelf opens /proc/self/<name> after checking that /proc is a real
// procfs (a container could mount something else there).
func openProcSelf(name string, flags int) (*os.File, error) {
	dir, err := unix.Open("/proc/self", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open /proc/self: %w", err)
	}
	defer unix.Close(dir)
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(dir, &sfs); err != nil || sfs.Type != unix.PROC_SUPER_MAGIC {
		return nil, fmt.Errorf("/proc/self is not on procfs")
	}
	fd, err := unix.Openat2(dir, name, &unix.OpenHow{Flags: uint64(flags | unix.O_CLOEXEC),
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS})
	if err != nil {
		return nil, fmt.Errorf("open /proc/self/%s: %w", name, err)
	}
	return os.NewFile(uintptr(fd), "/proc/self/"+name), nil
}

func enterCwd(cwd string) error {
	if cwd == "" {
		cwd = "/"
	}
	if err := unix.Chdir(cwd); err != nil {
		return fmt.Errorf("chdir to cwd %q: %w", cwd, err)
	}
	// A cwd reached through a leaked fd (/proc/self/fd/N) would be outside
	// the container's root; getcwd then does not return an absolute path.
	wd, err := unix.Getwd()
	if err != nil || !strings.HasPrefix(wd, "/") {
		return fmt.Errorf("cwd %q is outside the container's root", cwd)
	}
	return nil
}

func processEnv(proc *configs.Process) []string {
	env := append([]string{}, proc.Env...)
	for _, e := range env {
		if strings.HasPrefix(e, "HOME=") {
			return env
		}
	}
	return append(env, "HOME="+homeOf(proc.User.UID))
}

// maxPasswd bounds how much of the container's /etc/passwd is read.
const maxPasswd = 1 << 20

// homeOf finds uid's home in the container's /etc/passwd ("/" if none).
//
// The container controls that file: it is read only when it is a regular
// file, and at most maxPasswd bytes of it, so that a fifo or a link to
// /dev/zero cannot hang or exhaust the init.
func homeOf(uid uint32) string {
	f, err := os.OpenFile("/etc/passwd", os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return "/"
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return "/"
	}
	b, err := io.ReadAll(io.LimitReader(f, maxPasswd))
	if err != nil {
		return "/"
	}
	want := strconv.FormatUint(uint64(uid), 10)
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 6 && f[2] == want && f[5] != "" {
			return f[5]
		}
	}
	return "/"
}

// lookPath resolves the program like execvp would, with the process's own
// PATH, inside the container's root.
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		if err := checkExecutable(name); err != nil {
			return "", fmt.Errorf("exec %q: %w", name, err)
		}
		return name, nil
	}
	path := ""
	for _, e := range env {
		if strings.HasPrefix(e, "PATH=") {
			path = e[5:]
		}
	}
	for _, dir := range strings.Split(path, ":") {
		if dir == "" {
			dir = "."
		}
		p := dir + "/" + name
		if checkExecutable(p) == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("exec %q: executable file not found in $PATH", name)
}

func checkExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return errors.New("is a directory")
	}
	if fi.Mode()&0o111 == 0 {
		return errors.New("permission denied")
	}
	return nil
}

// IsInit reports whether this process was started by the library as a
// container init (or exec), i.e. whether main must call Init.
func IsInit() bool {
	return os.Getenv(nsenter.EnvInit) == "1"
}

// finishIdentity switches to the process's user and capabilities, sets
// no_new_privs and the umask, and loads the seccomp filter as runc does:
// without no_new_privs before dropping privileges (loading needs
// CAP_SYS_ADMIN then), with it right after setting it. Either way the
// filter is in place before we report ready.
func finishIdentity(sock *os.File, proc *configs.Process, filter *seccomp.Filter) error {
	if !proc.NoNewPrivileges {
		if err := loadSeccomp(sock, filter); err != nil {
			return err
		}
	}
	if err := setIdentity(proc); err != nil {
		return err
	}
	if proc.NoNewPrivileges {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("set no_new_privs: %w", err)
		}
		if err := loadSeccomp(sock, filter); err != nil {
			return err
		}
	}
	umask := 0o022
	if proc.User.Umask != nil {
		umask = int(*proc.User.Umask)
	}
	unix.Umask(umask)
	return nil
}
