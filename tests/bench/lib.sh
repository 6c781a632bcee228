# Shell functions timed by tests/bench/run. POSIX sh (dash): hyperfine runs each
# command as `sh -c '. lib.sh; ocb_CASE RUNTIME ROOT BUNDLE PREFIX ...'` and
# subtracts the cost of spawning that shell, so what is left is the runtime's
# work plus a few shell builtins.
#
# Every function takes the runtime binary, its --root directory, the bundle and
# an id prefix. Container ids are PREFIX-N with N from a counter file next to the
# root (ROOT.ctr): unique per iteration, and never inside the runtime's root.

# ocb_next ROOT: increment ROOT.ctr and set $ocb_n. Builtins only.
ocb_next() {
	ocb_n=0
	if [ -f "$1.ctr" ]; then read -r ocb_n <"$1.ctr"; fi
	ocb_n=$((ocb_n + 1))
	echo "$ocb_n" >"$1.ctr"
}

# ocb_wait_stopped RT ROOT ID: poll `RT state ID` until it says stopped, the way
# a runc user without a shim waits for a detached container.
ocb_wait_stopped() {
	while :; do
		ocb_s=$("$1" --root "$2" state "$3") || return 1
		case $ocb_s in
		*'"status": "stopped"'* | *'"status":"stopped"'*) return 0 ;;
		esac
	done
}

# Case 1: create + start + wait (state polling) + delete of /bin/true.
ocb_lifecycle() {
	ocb_next "$2"
	ocb_id=$4-$ocb_n
	"$1" --root "$2" create --bundle "$3" "$ocb_id" || return 1
	"$1" --root "$2" start "$ocb_id" || return 1
	ocb_wait_stopped "$1" "$2" "$ocb_id" || return 1
	"$1" --root "$2" delete "$ocb_id"
}

# Case 2: `run` of /bin/true in the foreground (the runtime deletes it itself).
ocb_run() {
	ocb_next "$2"
	"$1" --root "$2" run --bundle "$3" "$4-$ocb_n"
}

# Case 4: N containers (bundle runs sleep) created and started with two-way
# parallelism, then all deleted with --force, also two at a time.
ocb_batch() {
	ocb_next "$2"
	ocb_base=$4-$ocb_n
	ocb_i=1
	ocb_ids=
	while [ "$ocb_i" -le "$5" ]; do
		ocb_ids="$ocb_ids $ocb_base-$ocb_i"
		ocb_i=$((ocb_i + 1))
	done
	# shellcheck disable=SC2086 # word splitting of the id list is wanted
	printf '%s\n' $ocb_ids | xargs -P 2 -n 1 sh -c \
		'"$1" --root "$2" create --bundle "$3" "$4" && "$1" --root "$2" start "$4"' \
		ocb "$1" "$2" "$3" || return 1
	# shellcheck disable=SC2086
	printf '%s\n' $ocb_ids | xargs -P 2 -n 1 "$1" --root "$2" delete --force
}

# Case 7: `ctr run --rm` of /bin/true through containerd with one runtime
# (RT is the runtime name: io.containerd.ocirun.v2 or io.containerd.runc.v2).
# ocb_ctr SOCK RT ROOTFS CTRFILE PREFIX
ocb_ctr() {
	ocb_next "$4"
	ctr -a "$1" run --rm --runtime "$2" --rootfs "$3" "$5-$ocb_n" /bin/true
}
