# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The series' own kselftests (guest/series-tests.list), each in the swap
# setup the list names.  The host boots this plan only for a kernel that
# has the series (scripts/run-tests.sh).  Our own tests get one run each:
# a failure is never retried away (see run_kselftest in lib.sh).
. /guest/lib.sh
tap_begin
# Read by run_kselftest: one run, and every subtest counted on its own.
KSELFTEST_RUNS=1
KSELFTEST_SUBTESTS=1
export KSELFTEST_RUNS KSELFTEST_SUBTESTS
if grep -q '^[a-z]' /guest/series-tests.list; then
	run_kselftest_list /guest/series-tests.list
else
	tap_result fail series-tests "guest/series-tests.list is empty"
fi
tap_end
