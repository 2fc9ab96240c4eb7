# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Upstream kselftests that exercise swap (guest/selftests.list), each in the
# swap setup the list names.  khugepaged runs first: it needs PMD-sized
# pages, which are easiest to get early.
# On a kernel with a vswap device, the subtests of
# guest/vswap-differences.list (intended semantic changes) are reported as
# SKIP with the reason, as known failures are.
. /guest/lib.sh
tap_begin
if [ -d /sys/kernel/debug/vswap ]; then
	cat /guest/known-failures.list /guest/vswap-differences.list >/tmp/known-vswap.list
	KNOWN_FAILURES=/tmp/known-vswap.list
fi
run_kselftest_list /guest/selftests.list
tap_end
