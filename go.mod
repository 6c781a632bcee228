module github.com/oci-run/oci-run

go 1.26.0

require (
	github.com/cilium/ebpf v0.22.0
	github.com/godbus/dbus/v5 v5.2.4
	github.com/opencontainers/runtime-spec v1.3.0
	github.com/opencontainers/selinux v1.15.1
	github.com/seccomp/libseccomp-golang v0.11.1
	golang.org/x/sys v0.49.0
)

require github.com/cyphar/filepath-securejoin v0.5.1 // indirect
