package lsm

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateAppArmorProfile(t *testing.T) {
	good := []string{
		"", "docker-default", "unconfined", "/usr/sbin/ntpd", "profile//hat",
		":ns:profile", "my profile", strings.Repeat("p", maxAttrWrite-len("exec ")),
	}
	for _, p := range good {
		if err := ValidateAppArmorProfile(p); err != nil {
			t.Errorf("%q: %v", p, err)
		}
	}
	bad := []string{
		"a\nb", "a\x00b", "\tx", "x\x7f", " leading", "trailing ", "x\n",
		strings.Repeat("p", maxAttrWrite-len("exec ")+1),
	}
	for _, p := range bad {
		if err := ValidateAppArmorProfile(p); !errors.Is(err, ErrInvalidLabel) {
			t.Errorf("%q: err = %v, want invalid", p, err)
		}
	}
}

func TestValidateSELinuxLabel(t *testing.T) {
	good := []string{
		"", "system_u:system_r:container_t", "system_u:system_r:container_t:s0",
		"system_u:system_r:container_t:s0:c1,c2", "system_u:system_r:spc_t:s0-s0:c0.c1023",
		"u:r:t:" + strings.Repeat("c", maxAttrWrite-1-len("u:r:t:")),
	}
	for _, l := range good {
		if err := ValidateSELinuxLabel(l); err != nil {
			t.Errorf("%q: %v", l, err)
		}
	}
	bad := []string{
		"container_t", "u:r", "u::t", ":r:t", "u:r:", "u:r:t:",
		"u:r:t s0", "u:r:t\n", "u:r:t\x00", `u:r:t:"s0"`, "u:r:tä",
		"u:r:t:" + strings.Repeat("c", maxAttrWrite-len("u:r:t:")),
	}
	for _, l := range bad {
		if err := ValidateSELinuxLabel(l); !errors.Is(err, ErrInvalidLabel) {
			t.Errorf("%q: err = %v, want invalid", l, err)
		}
	}
}

func TestValidateMountLabel(t *testing.T) {
	if err := ValidateMountLabel(testLabel); err != nil {
		t.Fatal(err)
	}
	if err := ValidateMountLabel(""); err != nil {
		t.Fatal(err)
	}
	// Fits one attribute write but not, quoted, in mount data.
	long := "u:r:t:" + strings.Repeat("c", MaxMountData-len(`context=""`)-len("u:r:t:")+1)
	if err := ValidateSELinuxLabel(long); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if err := ValidateMountLabel(long); !errors.Is(err, ErrInvalidLabel) {
		t.Fatalf("long mount label: %v", err)
	}
	if err := ValidateMountLabel(`u:r:t:"x"`); !errors.Is(err, ErrInvalidLabel) {
		t.Fatalf("quoted: %v", err)
	}
	if err := CheckMountData(strings.Repeat("x", MaxMountData)); err != nil {
		t.Fatal(err)
	}
	if err := CheckMountData(strings.Repeat("x", MaxMountData+1)); err == nil {
		t.Fatal("over-long mount data accepted")
	}
}

func TestCheckProcessLabel(t *testing.T) {
	if err := CheckProcessLabel("", Host{}); err != nil {
		t.Fatal(err)
	}
	if err := CheckProcessLabel(testLabel, Host{SELinux: true}); err != nil {
		t.Fatal(err)
	}
	err := CheckProcessLabel(testLabel, Host{})
	if err == nil || !strings.Contains(err.Error(), "SELinux is disabled or not supported") {
		t.Fatalf("err = %v", err)
	}
	if err := CheckProcessLabel("bad", Host{SELinux: true}); !errors.Is(err, ErrInvalidLabel) {
		t.Fatalf("bad: %v", err)
	}
}

func TestCheckAppArmorProfile(t *testing.T) {
	if err := CheckAppArmorProfile("", Host{}); err != nil {
		t.Fatal(err)
	}
	if err := CheckAppArmorProfile("p", Host{AppArmor: true}); err != nil {
		t.Fatal(err)
	}
	err := CheckAppArmorProfile("p", Host{})
	if !errors.Is(err, ErrAppArmorNotEnabled) || err.Error() != `apparmor profile "p" requested but AppArmor is not enabled on this host` {
		t.Fatalf("err = %v", err)
	}
	if err := CheckAppArmorProfile("p\n", Host{AppArmor: true}); !errors.Is(err, ErrInvalidLabel) {
		t.Fatalf("bad: %v", err)
	}
}
