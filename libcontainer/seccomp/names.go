package seccomp

import (
	"fmt"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// The OCI names this package understands. Each table is a function so the
// package holds no mutable state; the lists are also what Supported reports.

type actionInfo struct {
	name   string
	act    libseccomp.ScmpAction
	ret    uint32 // the kernel's SECCOMP_RET_* value, to ask it what it can do
	hasRet bool   // takes errnoRet
}

func actions() []actionInfo {
	return []actionInfo{
		{"SCMP_ACT_KILL", libseccomp.ActKillThread, unix.SECCOMP_RET_KILL_THREAD, false},
		{"SCMP_ACT_KILL_PROCESS", libseccomp.ActKillProcess, unix.SECCOMP_RET_KILL_PROCESS, false},
		{"SCMP_ACT_KILL_THREAD", libseccomp.ActKillThread, unix.SECCOMP_RET_KILL_THREAD, false},
		{"SCMP_ACT_TRAP", libseccomp.ActTrap, unix.SECCOMP_RET_TRAP, false},
		{"SCMP_ACT_ERRNO", libseccomp.ActErrno, unix.SECCOMP_RET_ERRNO, true},
		{"SCMP_ACT_TRACE", libseccomp.ActTrace, unix.SECCOMP_RET_TRACE, true},
		{"SCMP_ACT_ALLOW", libseccomp.ActAllow, unix.SECCOMP_RET_ALLOW, false},
		{"SCMP_ACT_LOG", libseccomp.ActLog, unix.SECCOMP_RET_LOG, false},
		{"SCMP_ACT_NOTIFY", libseccomp.ActNotify, unix.SECCOMP_RET_USER_NOTIF, false},
	}
}

func lookupAction(name string) (actionInfo, bool) {
	for _, a := range actions() {
		if a.name == name {
			return a, true
		}
	}
	return actionInfo{}, false
}

// parseAction turns an OCI action and its optional errnoRet into a
// libseccomp action. ERRNO and TRACE default to EPERM, as the runtime-spec
// says; errnoRet on any other action is an error (the spec asks the runtime
// to fail), as is a value that does not fit the 16 data bits of a seccomp
// return value.
func parseAction(name string, errnoRet *uint) (actionInfo, libseccomp.ScmpAction, error) {
	a, ok := lookupAction(name)
	if !ok {
		return a, libseccomp.ActInvalid, fmt.Errorf("unknown seccomp action %q", name)
	}
	if !a.hasRet {
		if errnoRet != nil {
			return a, libseccomp.ActInvalid, fmt.Errorf("seccomp action %s takes no errnoRet (got %d)", name, *errnoRet)
		}
		return a, a.act, nil
	}
	ret := uint(unix.EPERM)
	if errnoRet != nil {
		ret = *errnoRet
	}
	if ret > unix.SECCOMP_RET_DATA {
		return a, libseccomp.ActInvalid, fmt.Errorf("seccomp action %s: errnoRet %d does not fit in 16 bits", name, ret)
	}
	return a, a.act.SetReturnCode(int16(uint16(ret))), nil
}

type opInfo struct {
	name string
	op   libseccomp.ScmpCompareOp
}

func operators() []opInfo {
	return []opInfo{
		{"SCMP_CMP_NE", libseccomp.CompareNotEqual},
		{"SCMP_CMP_LT", libseccomp.CompareLess},
		{"SCMP_CMP_LE", libseccomp.CompareLessOrEqual},
		{"SCMP_CMP_EQ", libseccomp.CompareEqual},
		{"SCMP_CMP_GE", libseccomp.CompareGreaterEqual},
		{"SCMP_CMP_GT", libseccomp.CompareGreater},
		{"SCMP_CMP_MASKED_EQ", libseccomp.CompareMaskedEqual},
	}
}

func parseOperator(name string) (libseccomp.ScmpCompareOp, error) {
	for _, o := range operators() {
		if o.name == name {
			return o.op, nil
		}
	}
	return libseccomp.CompareInvalid, fmt.Errorf("unknown seccomp operator %q", name)
}

type archInfo struct {
	name string
	arch libseccomp.ScmpArch
}

func architectures() []archInfo {
	return []archInfo{
		{"SCMP_ARCH_X86", libseccomp.ArchX86},
		{"SCMP_ARCH_X86_64", libseccomp.ArchAMD64},
		{"SCMP_ARCH_X32", libseccomp.ArchX32},
		{"SCMP_ARCH_ARM", libseccomp.ArchARM},
		{"SCMP_ARCH_AARCH64", libseccomp.ArchARM64},
		{"SCMP_ARCH_MIPS", libseccomp.ArchMIPS},
		{"SCMP_ARCH_MIPS64", libseccomp.ArchMIPS64},
		{"SCMP_ARCH_MIPS64N32", libseccomp.ArchMIPS64N32},
		{"SCMP_ARCH_MIPSEL", libseccomp.ArchMIPSEL},
		{"SCMP_ARCH_MIPSEL64", libseccomp.ArchMIPSEL64},
		{"SCMP_ARCH_MIPSEL64N32", libseccomp.ArchMIPSEL64N32},
		{"SCMP_ARCH_PPC", libseccomp.ArchPPC},
		{"SCMP_ARCH_PPC64", libseccomp.ArchPPC64},
		{"SCMP_ARCH_PPC64LE", libseccomp.ArchPPC64LE},
		{"SCMP_ARCH_S390", libseccomp.ArchS390},
		{"SCMP_ARCH_S390X", libseccomp.ArchS390X},
		{"SCMP_ARCH_PARISC", libseccomp.ArchPARISC},
		{"SCMP_ARCH_PARISC64", libseccomp.ArchPARISC64},
		{"SCMP_ARCH_RISCV64", libseccomp.ArchRISCV64},
		{"SCMP_ARCH_LOONGARCH64", libseccomp.ArchLOONGARCH64},
		{"SCMP_ARCH_M68K", libseccomp.ArchM68K},
		{"SCMP_ARCH_SH", libseccomp.ArchSH},
		{"SCMP_ARCH_SHEB", libseccomp.ArchSHEB},
	}
}

func parseArch(name string) (libseccomp.ScmpArch, error) {
	for _, a := range architectures() {
		if a.name == name {
			return a.arch, nil
		}
	}
	return libseccomp.ArchInvalid, fmt.Errorf("unknown seccomp architecture %q", name)
}

// Flag names of the runtime-spec.
const (
	FlagTsync            = "SECCOMP_FILTER_FLAG_TSYNC"
	FlagSpecAllow        = "SECCOMP_FILTER_FLAG_SPEC_ALLOW"
	FlagLog              = "SECCOMP_FILTER_FLAG_LOG"
	FlagWaitKillableRecv = "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"
)

type flagInfo struct {
	name string
	bit  uintptr // SECCOMP_FILTER_FLAG_* for seccomp(2)
}

func flags() []flagInfo {
	return []flagInfo{
		{FlagTsync, unix.SECCOMP_FILTER_FLAG_TSYNC},
		{FlagSpecAllow, unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW},
		{FlagLog, unix.SECCOMP_FILTER_FLAG_LOG},
		{FlagWaitKillableRecv, unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
	}
}

func parseFlag(name string) (uintptr, error) {
	for _, f := range flags() {
		if f.name == name {
			return f.bit, nil
		}
	}
	return 0, fmt.Errorf("unknown seccomp flag %q", name)
}
