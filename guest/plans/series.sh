# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The series' own kselftests (guest/series-tests.list), each in the swap
# setup the list names.  The host boots this plan only for a kernel that
# has the series (scripts/run-tests.sh).  Our own tests get one run each:
# a failure is never retried away (see run_kselftest in lib.sh).
. /guest/lib.sh
tap_begin
KSELFTEST_RUNS=1 # read by run_kselftest
export KSELFTEST_RUNS
n=0
while read -r dir test setup args; do
	case $dir in ''|'#'*) continue;; esac
	n=$((n + 1))
	settle_memory
	if ! swap_setup "$setup"; then
		tap_result fail "$dir:$test" "swap setup $setup failed"
		continue
	fi
	if [ ! -x "/selftests/$dir/$test" ]; then
		tap_result fail "$dir:$test" "not built"
		continue
	fi
	# shellcheck disable=SC2086
	run_kselftest "$dir:$test${args:+ $args}" "/selftests/$dir/$test" $args
done </guest/series-tests.list
[ "$n" -gt 0 ] || tap_result fail series-tests "guest/series-tests.list is empty"
swap_reset
tap_end
