#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make test`: build the test kernel (VARIANT, default vswap, with
# configs/test.config), the kselftests and the initramfs, boot the guests,
# and print one closing line "N passed, N failed[, N skipped]".
#   Guest 1 (plan selftest): the KUnit suites run at boot (KTAP on the
#     console), then the workbench self-check.
#   Guest 2 (plan series): the series' own kselftests (vswap variant only).
#   Guest 3 (plan upstream): the upstream swap kselftests.
# PLANS="selftest series upstream" selects guests.  Logs: build/logs/test-VARIANT/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

VARIANT=${VARIANT:-vswap}
PLANS=${PLANS:-selftest series upstream}
OUT=$LOGS/test-$VARIANT
mkdir -p "$OUT"
rm -f "$OUT"/*.tap

summary() { "$TOP/scripts/tap-summary.sh" "${results[@]}"; }
results=()

# A failed build still ends with the closing line.
broken() {
	echo "error: $1" >&2
	echo "TAP version 13" >"$OUT/build.tap"
	echo "not ok 1 $1" >>"$OUT/build.tap"
	echo "1..1" >>"$OUT/build.tap"
	results+=("build=$OUT/build.tap")
	summary
	exit 1
}

start=$(date +%s)
kernel=$(VARIANT=$VARIANT PROFILE=test "$TOP/scripts/build-kernel.sh") ||
	broken "kernel build failed (VARIANT=$VARIANT)"
"$TOP/scripts/build-selftests.sh" || broken "kselftest build failed"
"$TOP/scripts/build-initramfs.sh" || broken "initramfs build failed"
log "build steps took $(( $(date +%s) - start ))s"

for plan in $PLANS; do
	# The series' own kselftests (plan series) run on the vswap variant
	# once the tree has CONFIG_VSWAP; on base and novswap they do not
	# apply and are not counted.
	if [ "$plan" = series ] && { [ "$VARIANT" != vswap ] ||
		! grep -q '^config VSWAP$' "$LINUX/mm/Kconfig"; }; then
		log "plan series: not for this kernel (VARIANT=$VARIANT, no CONFIG_VSWAP in the tree); not run"
		continue
	fi
	rundir=$OUT/$plan
	# run-guest.sh: 0 clean, 1 clean but some test failed (counted in its
	# TAP), 2 crash/hang/splat.
	guest_rc=0
	TIMEOUT=${TIMEOUT:-2400} "$TOP/scripts/run-guest.sh" "$kernel" "$plan" "$rundir" || guest_rc=$?
	results+=("$plan=$rundir/tap.log")
	if [ "$plan" = selftest ]; then
		python3 "$LINUX/tools/testing/kunit/kunit.py" parse --json="$rundir/kunit.json" \
			"$rundir/console.log" >"$rundir/kunit.txt" 2>&1 || true
		if [ -s "$rundir/kunit.json" ]; then
			python3 "$TOP/scripts/kunit-to-tap.py" "$rundir/kunit.json" >"$OUT/kunit.tap"
		else
			printf 'TAP version 13\nnot ok 1 kunit: no KTAP output on the console\n1..1\n' >"$OUT/kunit.tap"
		fi
		results+=("kunit=$OUT/kunit.tap")
	fi
	# The guest itself (status, splats) is a result too.
	{
		echo "TAP version 13"
		if [ "$guest_rc" -le 1 ]; then echo "ok 1 guest:$plan clean exit, no kernel splat"
		else echo "not ok 1 guest:$plan (status $(cat "$rundir/status" 2>/dev/null || echo none); see ${rundir#"$TOP"/}/console.log)"; fi
		echo "1..1"
	} >"$OUT/guest-$plan.tap"
	results+=("guest-$plan=$OUT/guest-$plan.tap")
done

log "make test took $(( $(date +%s) - start ))s in all; logs in ${OUT#"$TOP"/}"
summary
