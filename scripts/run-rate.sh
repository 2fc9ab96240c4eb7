#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make rate TEST=DIR:BINARY [RUNS=5] [SETUP=zswap-disk] [ARGS="..."] [VARIANT=base]`:
# measure how often the subtests of one kselftest fail on one kernel (the
# rates that guest/flaky.list and known-failures.list must give), by
# booting plan `repeat` (guest/plans/repeat.sh) in 2 GiB, as the upstream
# plans run.  Prints the "# rate:" lines; the log stays in
# build/logs/rate-VARIANT/.  A measurement, not a test: exits 0 unless the
# guest could not run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -n "${TEST:-}" ] || die "TEST=DIR:BINARY is required (e.g. TEST=cgroup:test_memcontrol)"
runs=${RUNS:-5} setup=${SETUP:-zswap-disk}
"$TOP/scripts/build-selftests.sh"
"$TOP/scripts/build-initramfs.sh"
kernel=$(PROFILE=test "$TOP/scripts/build-kernel.sh")
rundir=$LOGS/rate-$VARIANT
rc=0
args=${ARGS:-}
case $args in *,*) die "ARGS must not contain commas (they stand for spaces on the guest's command line)";; esac
APPEND="wb.test=$TEST wb.runs=$runs wb.setup=$setup wb.args=${args// /,}" MEM=${MEM:-2048} \
	TIMEOUT=${TIMEOUT:-$((600 * runs))} "$TOP/scripts/run-guest.sh" "$kernel" repeat "$rundir" || rc=$?
[ "$rc" -le 1 ] || die "the guest did not finish cleanly (status $rc); see ${rundir#"$TOP"/}/console.log"
echo "$TEST on $VARIANT, $runs runs in $setup:"
tap_comment rate "$rundir/tap.log" | sed 's/^/  /'
tap_results "$rundir/tap.log" | sed 's/^/  /'
