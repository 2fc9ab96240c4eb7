# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The upstream swap kselftests of guest/selftests.list again, every one with
# zswap on and no swap device at all: on a vswap kernel the virtual device
# is the only swap space.  The host boots this plan only for the vswap
# variant (scripts/run-tests.sh).  Subtests that cannot pass without a
# physical device, by design, are listed in guest/nodev-differences.list,
# those that differ on any vswap kernel in guest/vswap-differences.list;
# both are reported as SKIP with the reason.
. /guest/lib.sh
tap_begin
if [ ! -d /sys/kernel/debug/vswap ]; then
	tap_result fail upstream-nodev "no /sys/kernel/debug/vswap: this kernel has no virtual swap device"
	tap_end
	exit
fi
cat /guest/known-failures.list /guest/nodev-differences.list \
	/guest/vswap-differences.list >/tmp/known-nodev.list
KNOWN_FAILURES=/tmp/known-nodev.list
SWAP_SETUP=zswap-only
# A test process OOM-killed in its cgroup (see nodev-differences.list) is
# rerun; a complete run with only listed failures ends the reruns.
KSELFTEST_RUNS=5
run_kselftest_list /guest/selftests.list
tap_end
