#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make test`: build the test kernels (configs/test.config), the kselftests
# and the initramfs, boot the guests, and print one closing line
# "N passed, N failed[, N skipped[, N flaky]]".
#
# Which guests boot: TESTS="VARIANT:PLAN,PLAN ...".  By default
#   vswap:selftest,series,upstream,upstream-nodev,parity,stress,alloc-faults
#   novswap:upstream
# where the plans are
#   selftest        the KUnit suites at boot (KTAP on the console), then the
#                   workbench self-check
#   series          the series' own kselftests
#   upstream        the upstream swap kselftests, each in its listed setup
#                   (a swap disk present)
#   upstream-nodev  the same kselftests with zswap and no swap device
#   parity          reclaim scenarios with vswap.enabled=1 against =0 in
#                   one boot (on a kernel without the series: recorded
#                   only, the reference of docs/parity.md)
#   stress          stress-ng with --verify in the swap setups under swap
#                   churn, short (`make stress` is the long soak; the
#                   default run takes the two with zswap, see below)
# series, upstream-nodev and alloc-faults need the vswap variant of a tree with
# CONFIG_VSWAP, and novswap needs the series: without them they are left
# out (and said so).  `make test VARIANT=X [PLANS="..."]` boots kernel X
# only (plans default: selftest series upstream).
# SANITIZE=1 builds the kernels with PROFILE=kasan (configs/kasan.config:
# KASAN, kmemleak, SLUB debugging) and boots vswap:series,stress,alloc-faults by
# default; a KASAN report or a kmemleak leak on a swap path fails the
# guest (run-guest.sh).  Not in CI: it takes longer than CI's budget.
# Logs: build/logs/test-VARIANT/PLAN/ (SANITIZE=1: test-VARIANT-kasan/).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

has_vswap() { grep -q '^config VSWAP$' "$LINUX/mm/Kconfig"; }

# For CI's time the default run is short in two plans (PLANS= or TESTS=
# runs them whole): parity leaves to the series kselftest the scenarios
# it checks too (guest/plans/parity.sh, KSELFTEST_TOO), and stress runs
# the two setups where swap-outs take vswap slots (zswap-disk,
# zswap-only; with zswap off, disk and zram take the direct path, and
# `make stress` soaks all four).
parity_args='' stress_args='' profile=test suffix=''
case ${SANITIZE:-0} in
0) ;;
1) profile=kasan suffix=-kasan
   if [ -z "${TESTS:-}" ] && [ -z "${PLANS:-}" ]; then
	TESTS="${VARIANT:-vswap}:series,stress,alloc-faults"
	stress_args=wb.stress_setups=zswap-disk,zswap-only
   fi;;
*) die "SANITIZE must be 0 or 1 (got '$SANITIZE')";;
esac
if [ -z "${TESTS:-}" ]; then
	if [ "${VARIANT_GIVEN:-0}" = 1 ] || [ -n "${PLANS:-}" ]; then
		plans=${PLANS:-selftest series upstream}
		TESTS="${VARIANT:-vswap}:${plans// /,}"
	else
		TESTS="vswap:selftest,series,upstream,upstream-nodev,parity,stress,alloc-faults novswap:upstream"
		parity_args=wb.parity=short
		stress_args=wb.stress_setups=zswap-disk,zswap-only
	fi
fi

summary() { "$TOP/scripts/tap-summary.sh" "${results[@]}"; }
results=()

# A failed build still ends with the closing line.
broken() {
	echo "error: $1" >&2
	mkdir -p "$LOGS"
	printf 'TAP version 13\nnot ok 1 %s\n1..1\n' "$1" >"$LOGS/test-build.tap"
	results+=("build=$LOGS/test-build.tap")
	summary
	exit 1
}

start=$(date +%s)
rm -f "$LOGS/test-build.tap" "$LOGS/test-skips.tap"
"$TOP/scripts/build-selftests.sh" || broken "kselftest build failed"
"$TOP/scripts/build-initramfs.sh" || broken "initramfs build failed"

for test in $TESTS; do
	variant=${test%%:*} plans=${test#*:}
	if [ "$variant" = novswap ] && ! has_vswap; then
		log "novswap: the tree has no CONFIG_VSWAP (no series); not run"
		continue
	fi
	out=$LOGS/test-$variant$suffix
	mkdir -p "$out"
	rm -f "$out"/*.tap
	kernel=$(VARIANT=$variant PROFILE=$profile "$TOP/scripts/build-kernel.sh") ||
		broken "kernel build failed (VARIANT=$variant PROFILE=$profile)"
	log "build steps took $(( $(date +%s) - start ))s so far"
	for plan in ${plans//,/ }; do
		case $plan in
		series|upstream-nodev|alloc-faults)
			if [ "$variant" != vswap ] || ! has_vswap; then
				log "plan $plan: only for the vswap variant of a tree with CONFIG_VSWAP; not run on $variant"
				continue
			fi;;
		esac
		rundir=$out/$plan
		# run-guest.sh: 0 clean, 1 clean but some test failed (counted
		# in its TAP), 2 crash/hang/splat.
		guest_rc=0
		# The upstream selftests get 2 GiB: in 1 GiB, khugepaged's THP
		# allocations (defrag=always) set off reclaim, which races the
		# test's MADV_PAGEOUT (docs/upstream-tests.md).  The selftest and
		# series plans size their workloads from MemTotal (1.5x RAM and
		# the like), so their time under TCG grows with the guest: 512 MiB
		# keeps `make test` within CI's time (1 GiB took 1458 s and 1582 s
		# in CI of 2026-12-01).  MEM overrides both.
		case $plan in
		upstream|upstream-nodev) mem=${MEM:-2048};;
		*) mem=${MEM:-512};;
		esac
		append=${APPEND:-}
		# KASAN with 5-level paging (QEMU's -cpu max has LA57) reports a
		# "wild-memory-access" for an interrupt that comes while
		# identify_cpu() re-reads the CPU's features: the shadow bounds
		# follow X86_FEATURE_LA57, which reads clear for that moment
		# (seen once in three boots, base code, before any swap).
		[ "$profile" != kasan ] || append="$append no5lvl"
		case $plan in
		parity) append="$append $parity_args";;
		stress) append="$append $stress_args";;
		esac
		# KASAN and SLUB debugging slow the guest down several times.
		timeout=${TIMEOUT:-2400}
		[ "$profile" != kasan ] || timeout=${TIMEOUT:-7200}
		APPEND=$append MEM=$mem TIMEOUT=$timeout "$TOP/scripts/run-guest.sh" "$kernel" "$plan" "$rundir" || guest_rc=$?
		results+=("$variant:$plan=$rundir/tap.log")
		if [ "$plan" = selftest ]; then
			python3 "$LINUX/tools/testing/kunit/kunit.py" parse --json="$rundir/kunit.json" \
				"$rundir/console.log" >"$rundir/kunit.txt" 2>&1 || true
			if [ -s "$rundir/kunit.json" ]; then
				python3 "$TOP/scripts/kunit-to-tap.py" "$rundir/kunit.json" >"$out/kunit.tap"
			else
				printf 'TAP version 13\nnot ok 1 kunit: no KTAP output on the console\n1..1\n' >"$out/kunit.tap"
			fi
			results+=("$variant:kunit=$out/kunit.tap")
		fi
		# The guest itself (status, splats) is a result too.
		guest_tap "$variant:$plan" "$guest_rc" "$rundir" >"$out/guest-$plan.tap"
		results+=("$variant:guest-$plan=$out/guest-$plan.tap")
	done
done

# A subtest that skips on the vswap kernel but runs on the same kernel
# without CONFIG_VSWAP is no pass: compare the skips of the upstream plan.
vtap=$LOGS/test-vswap$suffix/upstream/tap.log ntap=$LOGS/test-novswap$suffix/upstream/tap.log
runs_plan() { tr ' ' '\n' <<<"$TESTS" | grep -q -E "^$1:(.*,)?$2(,|\$)"; }
if runs_plan vswap upstream && runs_plan novswap upstream && has_vswap; then
	"$TOP/scripts/compare-skips.sh" skips:vswap-vs-novswap:upstream "$vtap" "$ntap" \
		>"$LOGS/test-skips.tap"
	results+=("skips=$LOGS/test-skips.tap")
fi

log "make test took $(( $(date +%s) - start ))s in all; logs in ${LOGS#"$TOP"/}/test-*"
summary
