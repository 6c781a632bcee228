// Package integration runs real containers through a runc-compatible CLI
// binary and checks the kernel's view of them (namespaces, mounts,
// capabilities, cgroups) and that nothing is left behind.
//
// The binary under test is $OCIRUN_BIN (default: <repo>/bin/oci-run). The
// suite is written against the runc command line, so it can be validated
// with OCIRUN_BIN=/usr/sbin/runc; a few tests expect oci-run to be stricter
// than runc 1.1.5 and fail against it (see the comments marked "runc:").
//
// The tests need root and a static busybox at /bin/busybox (Debian's
// busybox-static). They fail, never skip, when those are missing.
//
//	make integration
//	OCIRUN_BIN=/usr/sbin/runc go test ./tests/integration/ -count=1
package integration
