#!/usr/bin/env bash
# Installs, from Debian's packages, what oci-run's build and tests use, if
# anything is missing (one `apt-get update` first). Idempotent and quick when
# everything is there. Run as root. Used by `make deps` (and so `make test`),
# the demo and .ci/run.
#   scripts/deps.sh          everything for the build and all test suites
#   scripts/deps.sh build    only what building and the demo need
set -euo pipefail

build=(busybox-static libseccomp-dev pkg-config gcc libc6-dev make)
tests=(runc crun uidmap dbus containerd podman conmon docker.io git ca-certificates)

pkgs=("${build[@]}")
if [ "${1:-all}" != build ]; then
	pkgs+=("${tests[@]}")
fi
need=()
for p in "${pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${need[*]}; run as root to install them" >&2
	exit 1
fi
echo "deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -q
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${need[@]}"
