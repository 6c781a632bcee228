package devices

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The bpf(2) commands the device filter needs, with their union bpf_attr
// layouts (linux/bpf.h). The kernel accepts a shorter attr than its own
// and zero-fills the rest.

type progLoadAttr struct {
	progType    uint32
	insnCnt     uint32
	insns       uint64
	license     uint64
	logLevel    uint32
	logSize     uint32
	logBuf      uint64
	kernVersion uint32
	progFlags   uint32
	progName    [16]byte
	progIfindex uint32
	attachType  uint32 // expected_attach_type
}

type progAttachAttr struct {
	targetFd    uint32
	attachBpfFd uint32
	attachType  uint32
	attachFlags uint32
	replaceFd   uint32
}

type progQueryAttr struct {
	targetFd    uint32
	attachType  uint32
	queryFlags  uint32
	attachFlags uint32
	progIDs     uint64
	progCnt     uint32
	_           uint32
}

type getFDByIDAttr struct {
	id        uint32
	nextID    uint32
	openFlags uint32
}

func bpf(cmd uintptr, attr unsafe.Pointer, size uintptr) (int, error) {
	for {
		r, _, errno := unix.Syscall(unix.SYS_BPF, cmd, uintptr(attr), size)
		if errno == unix.EINTR || errno == unix.EAGAIN {
			continue
		}
		if errno != 0 {
			return -1, errno
		}
		return int(r), nil
	}
}

// loadCgroupDevice loads code (encoded instructions) as a
// BPF_PROG_TYPE_CGROUP_DEVICE program and returns its fd. On a verifier
// rejection the error carries the end of the verifier's log.
func loadCgroupDevice(name string, code []byte) (int, error) {
	license := []byte("Apache\x00")
	attr := progLoadAttr{
		progType:   unix.BPF_PROG_TYPE_CGROUP_DEVICE,
		insnCnt:    uint32(len(code) / 8),
		insns:      uint64(uintptr(unsafe.Pointer(&code[0]))),
		license:    uint64(uintptr(unsafe.Pointer(&license[0]))),
		attachType: unix.BPF_CGROUP_DEVICE,
	}
	copy(attr.progName[:15], name)
	fd, err := bpf(unix.BPF_PROG_LOAD, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	runtime.KeepAlive(code)
	runtime.KeepAlive(license)
	if err == nil {
		return fd, nil
	}
	if !errors.Is(err, unix.EACCES) && !errors.Is(err, unix.EINVAL) {
		return -1, err
	}
	// Load again with the verifier's log, to say why.
	log := make([]byte, 64<<10)
	attr.logLevel, attr.logSize = 1, uint32(len(log))
	attr.logBuf = uint64(uintptr(unsafe.Pointer(&log[0])))
	fd, err2 := bpf(unix.BPF_PROG_LOAD, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	runtime.KeepAlive(code)
	runtime.KeepAlive(license)
	runtime.KeepAlive(log)
	if err2 == nil {
		return fd, nil
	}
	msg := string(log[:clen(log)])
	if len(msg) > 512 {
		msg = "..." + msg[len(msg)-512:]
	}
	return -1, fmt.Errorf("%w (verifier: %s)", err, msg)
}

func clen(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return len(b)
}

// attachCgroupDevice attaches the program to the cgroup directory fd.
func attachCgroupDevice(cgroupFd, progFd int, flags uint32) error {
	attr := progAttachAttr{targetFd: uint32(cgroupFd), attachBpfFd: uint32(progFd),
		attachType: unix.BPF_CGROUP_DEVICE, attachFlags: flags}
	_, err := bpf(unix.BPF_PROG_ATTACH, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	return err
}

// detachCgroupDevice detaches the program from the cgroup directory fd.
func detachCgroupDevice(cgroupFd, progFd int) error {
	attr := progAttachAttr{targetFd: uint32(cgroupFd), attachBpfFd: uint32(progFd),
		attachType: unix.BPF_CGROUP_DEVICE}
	_, err := bpf(unix.BPF_PROG_DETACH, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	return err
}

// queryCgroupDevice lists the ids of the device programs attached
// directly to the cgroup directory fd.
func queryCgroupDevice(cgroupFd int) ([]uint32, error) {
	ids := make([]uint32, 16)
	for {
		attr := progQueryAttr{targetFd: uint32(cgroupFd), attachType: unix.BPF_CGROUP_DEVICE,
			progIDs: uint64(uintptr(unsafe.Pointer(&ids[0]))), progCnt: uint32(len(ids))}
		_, err := bpf(unix.BPF_PROG_QUERY, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
		runtime.KeepAlive(ids)
		if errors.Is(err, unix.ENOSPC) {
			ids = make([]uint32, 2*max(len(ids), int(attr.progCnt)))
			continue
		}
		if err != nil {
			return nil, err
		}
		return ids[:attr.progCnt], nil
	}
}

// progFDByID opens the loaded program with that id.
func progFDByID(id uint32) (int, error) {
	attr := getFDByIDAttr{id: id}
	return bpf(unix.BPF_PROG_GET_FD_BY_ID, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
}
