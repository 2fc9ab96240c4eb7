# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Helpers for the guest plans (busybox sh).  TAP goes to fd 3 (ttyS1),
# progress to stdout (the console).  Each plan:  tap_begin; run_test ...; tap_end

SWAPDISK=/dev/vda
TAP_N=0
TAP_FAILED=0

tap() { echo "$*" >&3; }
say() { echo "guest: $*"; }

tap_begin() { tap "TAP version 13"; }
tap_end() {
	tap "1..$TAP_N"
	return "$TAP_FAILED"
}

# tap_result ok|fail|skip NAME [reason]
tap_result() {
	TAP_N=$((TAP_N + 1))
	case $1 in
	ok) tap "ok $TAP_N $2";;
	skip) tap "ok $TAP_N $2 # SKIP ${3:-}";;
	*) tap "not ok $TAP_N $2${3:+ # $3}"; TAP_FAILED=1;;
	esac
	say "$1: $2${3:+ ($3)}"
}

# run_test NAME CMD [ARGS...]: run CMD, its output goes into the TAP stream
# as comments.  Exit 0 is a pass; anything else (including kselftest's
# "skip" status 4: a suite that cannot run here is a failure) fails.
run_test() {
	capture "$@"
	if [ "$rc" = 0 ]; then
		tap_result ok "$name"
	elif [ "$rc" = 4 ]; then
		tap_result fail "$name" "exit 4: skipped as a whole, i.e. it did not run"
	else
		tap_result fail "$name" "exit $rc"
	fi
	say "$name took ${secs}s"
}

# capture NAME CMD [ARGS...]: run CMD with its output in /tmp/test.out and
# in the TAP stream as comments; sets name, rc and secs.
capture() {
	name=$1; shift
	say "running $name: $*"
	start=$(date +%s)
	"$@" >/tmp/test.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/test.out >&3
	secs=$(( $(date +%s) - start ))
}

# run_kselftest NAME CMD [ARGS...]: like run_test, for a kselftest that
# prints TAP.  Its failing subtests are compared with
# /guest/known-failures.list ("NAME<TAB>subtest<TAB>why"): a failure listed
# there (it fails on the base kernel too, for a reason of the test guest) is
# reported as a SKIP line of its own; any other failing subtest, a crash, or
# a skip of the whole program fails NAME.
run_kselftest() {
	capture "$@"
	unexpected=0
	sed -n -E 's/^not ok [0-9]+ ([^#]*[^# ]) *(#.*)?$/\1/p' /tmp/test.out >/tmp/test.failed
	while IFS= read -r sub; do
		why=$(awk -F '\t' -v n="$name" -v s="$sub" '$1 == n && $2 == s { print $3 }' \
			/guest/known-failures.list)
		if [ -n "$why" ]; then
			tap_result skip "$name:$sub" "fails on the base kernel too: $why"
		else
			unexpected=$((unexpected + 1))
		fi
	done </tmp/test.failed
	if [ "$rc" = 4 ]; then
		tap_result fail "$name" "exit 4: skipped as a whole, i.e. it did not run"
	elif [ "$unexpected" -gt 0 ]; then
		tap_result fail "$name" "$unexpected subtest(s) failed: $(tr '\n' ',' </tmp/test.failed)"
	elif [ "$rc" != 0 ] && [ ! -s /tmp/test.failed ]; then
		tap_result fail "$name" "exit $rc"
	else
		tap_result ok "$name"
	fi
	say "$name took ${secs}s"
}

# Swap setups.  Each starts from "no swap" and leaves the named state.
zswap_enable() {
	echo "${1:-lz4}" >/sys/module/zswap/parameters/compressor
	echo Y >/sys/module/zswap/parameters/enabled
}
zswap_disable() { echo N >/sys/module/zswap/parameters/enabled; }

swap_reset() {
	swapoff -a 2>/dev/null
	if [ -e /sys/block/zram0/reset ]; then echo 1 >/sys/block/zram0/reset; fi
	zswap_disable
}

swap_disk_on() {
	mkswap "$SWAPDISK" >/dev/null || return 1
	swapon "$SWAPDISK"
}

swap_zram_on() {
	[ -e /sys/block/zram0 ] || { say "no /dev/zram0"; return 1; }
	echo "${2:-lz4}" >/sys/block/zram0/comp_algorithm
	echo "$1" >/sys/block/zram0/disksize
	mkswap /dev/zram0 >/dev/null || return 1
	swapon /dev/zram0
}

# swap_setup NAME [COMPRESSOR]: zswap-disk | disk | zswap-only | zram | none
swap_setup() {
	swap_reset
	case $1 in
	zswap-disk) swap_disk_on && zswap_enable "${2:-lz4}";;
	disk) swap_disk_on;;
	zswap-only) zswap_enable "${2:-lz4}";;
	zram) swap_zram_on "$(( $(mem_total_mb) * 2 ))M" "${2:-lz4}";;
	none) ;;
	*) say "unknown swap setup $1"; return 1;;
	esac
}

mem_total_mb() { awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo; }

vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
