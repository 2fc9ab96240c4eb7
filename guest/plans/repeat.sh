# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# How often the subtests of one kselftest fail (the measured rates of
# guest/flaky.list and known-failures.list): `make rate`.  Runs
# wb.test=DIR:BINARY wb.runs=N times (default 5), each from settled memory
# in the swap setup wb.setup=NAME (default zswap-disk), with no rerun and
# no list applied: every run is one result, "DIR:BINARY:run-K", which
# fails when the run failed a subtest or exited non-zero.  Then one
# "# rate: SUBTEST: failed in F of N runs" line per subtest that failed.
# wb.args=A,B,... are the test's arguments (commas for spaces).
. /guest/lib.sh
tap_begin
test='' runs=5 setup=zswap-disk args=''
for arg in $(cat /proc/cmdline); do
	case $arg in
	wb.test=*) test=${arg#wb.test=};;
	wb.runs=*) runs=${arg#wb.runs=};;
	wb.setup=*) setup=${arg#wb.setup=};;
	wb.args=*) args=$(echo "${arg#wb.args=}" | tr ',' ' ');;
	esac
done
dir=${test%%:*} bin=${test#*:}
if [ -z "$test" ] || [ ! -x "/selftests/$dir/$bin" ]; then
	tap_result fail repeat "no kselftest /selftests/$dir/$bin (wb.test=DIR:BINARY)"
	tap_end
	exit
fi
: >/tmp/repeat.fails
run=0
while [ "$run" -lt "$runs" ]; do
	run=$((run + 1))
	settle_memory
	if ! swap_setup "$setup"; then
		tap_result fail "$test:run-$run" "swap setup $setup failed"
		continue
	fi
	capture "$test" sh -c "cd /scratch && /selftests/$dir/$bin $args"
	failed_subtests /tmp/test.out >/tmp/repeat.run
	cat /tmp/repeat.run >>/tmp/repeat.fails
	if [ "$rc" = 0 ] && [ ! -s /tmp/repeat.run ]; then
		tap_result ok "$test:run-$run"
	else
		tap_result fail "$test:run-$run" "exit $rc, failed: $(tr '\n' ' ' </tmp/repeat.run)"
	fi
	say "$test run $run took ${secs}s"
done
sort /tmp/repeat.fails | uniq -c | while read -r n sub; do
	tap "# rate: $sub: failed in $n of $runs runs"
done
swap_reset
tap_end
