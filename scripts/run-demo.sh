#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make run`: build the kernel (VARIANT, default vswap), boot it with zswap
# on and no swap device, push 1.5x guest RAM through it with every byte
# verified, and print the guest's report.  Exits non-zero when the data did
# not all come back (on VARIANT=base that is the expected outcome today).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

VARIANT=${VARIANT:-vswap}
PROFILE=${PROFILE:-test}
rundir=$LOGS/run-$VARIANT

kernel=$(VARIANT=$VARIANT PROFILE=$PROFILE "$TOP/scripts/build-kernel.sh")
"$TOP/scripts/build-selftests.sh"
"$TOP/scripts/build-initramfs.sh"

guest_rc=0
TIMEOUT=${TIMEOUT:-1200} "$TOP/scripts/run-guest.sh" "$kernel" run "$rundir" || guest_rc=$?

echo
echo "=== make run: VARIANT=$VARIANT, zswap with no swap device ==="
tap_comment report "$rundir/tap.log" | sed 's/^/  /'
verdict=$(tap_results "$rundir/tap.log" | head -n 1 || true)
echo
case $verdict in
"ok "*)
	echo "RESULT: PASS - ${verdict#ok 1 }"
	[ "$guest_rc" = 0 ] || { echo "but the guest did not end cleanly (see above)"; exit 1; }
	;;
"not ok "*)
	echo "RESULT: FAIL - ${verdict#not ok 1 }"
	if [ "$VARIANT" = base ]; then
		echo "(expected on the base kernel: zswap cannot hold pages without a swap device to name them)"
	fi
	exit 1
	;;
*)
	echo "RESULT: FAIL - the guest printed no verdict (see ${rundir#"$TOP"/}/console.log)"
	exit 1
	;;
esac
