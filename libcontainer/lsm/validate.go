package lsm

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

const (
	// maxAttrWrite is what one write to a /proc/<pid>/attr file may carry:
	// the kernel cuts a longer write to one page (4096 bytes on the
	// smallest pages Linux has) without saying so.
	maxAttrWrite = 4096
	// MaxMountData is the longest mount option string mount(2) passes on
	// whole: it copies one page, and the filesystem reads up to its NUL.
	MaxMountData = 4095
)

// ErrInvalidLabel is wrapped by the validation errors of this package.
var ErrInvalidLabel = errors.New("invalid security label")

// ValidateAppArmorProfile checks a profile name before it reaches the kernel.
// runc checks nothing and lets the write fail; these are the names that
// would not fail there but silently do something else:
//   - control characters, NUL and newline among them (the kernel reads the
//     write as a C string and splits on whitespace);
//   - leading or trailing white space, which the kernel strips, so another
//     profile than the one named would be applied;
//   - "exec <name>" longer than one page, which the kernel truncates.
//
// A leading "/" is allowed: AppArmor names a profile attached to a program
// by its path ("/usr/sbin/ntpd"), and such names are valid in
// process.apparmorProfile. So are "//" (hats and children), ":ns:" prefixes
// and "unconfined".
func ValidateAppArmorProfile(name string) error {
	if name == "" {
		return nil
	}
	if len("exec ")+len(name) > maxAttrWrite {
		return fmt.Errorf("apparmor profile of %d bytes: %w (at most %d)", len(name), ErrInvalidLabel, maxAttrWrite-len("exec "))
	}
	if strings.TrimSpace(name) != name {
		return fmt.Errorf("apparmor profile %q: %w: leading or trailing white space", name, ErrInvalidLabel)
	}
	if i := strings.IndexFunc(name, isControl); i >= 0 {
		return fmt.Errorf("apparmor profile %q: %w: control character at byte %d", name, ErrInvalidLabel, i)
	}
	return nil
}

// ValidateSELinuxLabel checks the form of an SELinux context:
// user:role:type with an optional MLS/MCS level (which may hold ':' , ','
// '-' and '.', as in s0-s0:c0.c1023), without white space, control
// characters or double quotes (which would break the quoting of a mount
// option), and short enough for one attribute write. Whether the policy
// knows the context is for the kernel to say.
func ValidateSELinuxLabel(label string) error {
	if label == "" {
		return nil
	}
	if len(label) >= maxAttrWrite {
		return fmt.Errorf("selinux label of %d bytes: %w (at most %d)", len(label), ErrInvalidLabel, maxAttrWrite-1)
	}
	for i, r := range label {
		if isControl(r) || unicode.IsSpace(r) || r == '"' || r > unicode.MaxASCII {
			return fmt.Errorf("selinux label %q: %w: character %q at byte %d", label, ErrInvalidLabel, r, i)
		}
	}
	parts := strings.SplitN(label, ":", 4)
	if len(parts) < 3 {
		return fmt.Errorf("selinux label %q: %w: want user:role:type[:level]", label, ErrInvalidLabel)
	}
	for i, p := range parts {
		if p == "" {
			what := [...]string{"user", "role", "type", "level"}[i]
			return fmt.Errorf("selinux label %q: %w: empty %s", label, ErrInvalidLabel, what)
		}
	}
	return nil
}

// ValidateMountLabel checks a mount label: an SELinux context
// ([ValidateSELinuxLabel]) that, quoted as context="...", fits in mount data.
func ValidateMountLabel(label string) error {
	if err := ValidateSELinuxLabel(label); err != nil {
		return fmt.Errorf("mount label: %w", err)
	}
	if n := len(`context=""`) + len(label); label != "" && n > MaxMountData {
		return fmt.Errorf("mount label of %d bytes: %w (does not fit mount data)", len(label), ErrInvalidLabel)
	}
	return nil
}

// CheckMountData refuses a mount option string that mount(2) would cut.
func CheckMountData(data string) error {
	if len(data) > MaxMountData {
		return fmt.Errorf("mount options of %d bytes: longer than the kernel takes (%d)", len(data), MaxMountData)
	}
	return nil
}

// CheckProcessLabel is runc's create-time rule for a process label: refused
// when the host does not enforce SELinux ("selinux label is specified in
// config, but selinux is disabled or not supported"). oci-run's init ignores
// such a label instead ([Host.SetExecLabel]); a validator that wants runc's
// strictness calls this with the runtime's [Probe].
func CheckProcessLabel(label string, h Host) error {
	if err := ValidateSELinuxLabel(label); err != nil {
		return err
	}
	if label != "" && !h.SELinux {
		return fmt.Errorf("selinux label %q is specified in config, but SELinux is disabled or not supported on this host", label)
	}
	return nil
}

// CheckAppArmorProfile is the create-time form of the refusal in
// [Host.ApplyAppArmor]: a bad name, or a profile on a host without AppArmor.
// Calling it from the validator makes `create` fail before any process is
// started.
func CheckAppArmorProfile(profile string, h Host) error {
	if err := ValidateAppArmorProfile(profile); err != nil {
		return err
	}
	if profile != "" && !h.AppArmor {
		return fmt.Errorf("apparmor profile %q requested but %w", profile, ErrAppArmorNotEnabled)
	}
	return nil
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f
}
