#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make stress [DURATION=3600] [VARIANTS="vswap novswap base"]`: the soak.
# Boots the stress plan (guest/plans/stress.sh: stress-ng with --verify
# in a small memory cgroup, in four swap setups, under swapoff/swapon,
# memory.reclaim and vswap.enabled churn) once on each kernel, one guest
# at a time, for about DURATION seconds each.  novswap and base are the
# reference: a stressor that fails only on vswap is a bug of the series.
# Ends with the closing line of tap-summary.sh; exits non-zero on any
# failure.  `make test` runs the same plan, short, on the vswap kernel.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

duration=${DURATION:-3600}
variants=${VARIANTS:-vswap novswap base}
case $duration in ''|*[!0-9]*) die "DURATION must be a number of seconds (got '$duration')";; esac
# 4 setups of 8 stressors; each setup also settles and checks (~20 s).
secs=$(( duration / 32 ))
[ "$secs" -ge 6 ] || die "DURATION=$duration leaves less than 6 s per stressor (at least 192)"

"$TOP/scripts/build-selftests.sh"
"$TOP/scripts/build-initramfs.sh"
results=()
for variant in $variants; do
	case $variant in base|vswap|novswap) ;; *) die "VARIANTS: unknown kernel '$variant'";; esac
	kernel=$(VARIANT=$variant PROFILE=test "$TOP/scripts/build-kernel.sh")
	rundir=$LOGS/stress-$variant
	rc=0
	APPEND="wb.stress_secs=$secs" MEM=${MEM:-512} TIMEOUT=$(( duration * 2 + 600 )) \
		"$TOP/scripts/run-guest.sh" "$kernel" stress "$rundir" || rc=$?
	results+=("$variant:stress=$rundir/tap.log")
	guest_tap "$variant:stress" "$rc" "$rundir" >"$rundir/guest.tap"
	results+=("$variant:guest-stress=$rundir/guest.tap")
done
"$TOP/scripts/tap-summary.sh" "${results[@]}"
