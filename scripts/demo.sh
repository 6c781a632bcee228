#!/usr/bin/env bash
# Demo of oci-run on a fresh Debian 12 machine, as root:
#   installs busybox-static if missing, builds oci-run, makes a busybox
#   bundle in a temp dir, runs one container in it, and cleans up.
#
# OCIRUN_BIN=/path/to/runtime runs the demo with another runc-compatible
# binary (and skips the build).
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: containers need root; run: sudo make demo" >&2
	exit 1
fi

# What the demo needs from Debian: busybox-static for the rootfs, and for
# the build gcc, make, pkg-config and libseccomp-dev.
"$REPO/scripts/deps.sh" build

if [ -n "${OCIRUN_BIN:-}" ]; then
	BIN=$OCIRUN_BIN
else
	export PATH=$PATH:/usr/local/go/bin
	make build
	BIN=$REPO/bin/oci-run
fi

WORK=$(mktemp -d /tmp/oci-run-demo.XXXXXX)
ID=demo-$$-$RANDOM
ROOT=$WORK/state
cleanup() {
	"$BIN" --root "$ROOT" delete --force "$ID" >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT

# Bundle: a busybox rootfs and a config.json from `oci-run spec`.
BUNDLE=$WORK/bundle
mkdir -p "$BUNDLE/rootfs/bin" "$BUNDLE/rootfs/proc" "$BUNDLE/rootfs/sys" "$BUNDLE/rootfs/dev" "$BUNDLE/rootfs/tmp"
cp /bin/busybox "$BUNDLE/rootfs/bin/busybox"
for applet in sh cat grep echo hostname ls ps id sleep; do
	ln -s busybox "$BUNDLE/rootfs/bin/$applet"
done
(cd "$BUNDLE" && "$BIN" spec)

# Patch the generated config without jq or python: terminal off, and our
# args. `sed -z` sees the file as one line, so this works whether spec
# prints the args array over several lines or on one.
ARGS='"args": ["sh", "-c", "echo \"hello from oci-run: $(hostname), pid $$\"; cat /proc/self/status | grep ^Cap"]'
ARGS_SED=$(printf '%s' "$ARGS" | sed 's/[\\&|]/\\&/g')
sed -z -i \
	-e 's|"terminal":[[:space:]]*true|"terminal": false|' \
	-e "s|\"args\":[[:space:]]*\[[^]]*\]|$ARGS_SED|" \
	"$BUNDLE/config.json"
if ! grep -q 'hello from oci-run' "$BUNDLE/config.json" || grep -q '"terminal":[[:space:]]*true' "$BUNDLE/config.json"; then
	echo "demo: could not patch $BUNDLE/config.json (unexpected spec output)" >&2
	exit 1
fi

echo "+ oci-run run --bundle $BUNDLE $ID"
# A container start takes milliseconds; a hang is an error, not a wait.
timeout 120 "$BIN" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
echo "+ oci-run delete --force $ID"
"$BIN" --root "$ROOT" delete --force "$ID" 2>/dev/null || true
if "$BIN" --root "$ROOT" state "$ID" >/dev/null 2>&1; then
	echo "demo: container $ID still exists after delete" >&2
	exit 1
fi
echo "demo: done; container $ID is gone and $WORK is removed"
