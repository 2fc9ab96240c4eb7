#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# check-kmemleak.sh CONSOLE_LOG: fail (and show it) when the kmemleak
# report the guest printed at its end (guest/init, between "guest:
# kmemleak report begin" and "... end") holds an unreferenced object
# allocated on a swap path: a backtrace frame in swap, vswap, zswap or
# zsmalloc code.  Leaks elsewhere are counted and their first line shown,
# but do not fail: kmemleak has known false positives in early boot and
# drivers, not ours to judge.  Also fails when kmemleak was on but said
# nothing that can be trusted: it disabled itself, its scan failed, or
# the guest printed no report, or began one and did not end it.  A
# console without kmemleak (no "Kernel memory leak detector
# initialized") passes.  Pages are not tracked by kmemleak: a leaked swap
# table page (SWP_TABLE_USE_PAGE) is not seen here.
set -euo pipefail

[ $# = 1 ] && [ -f "$1" ] || { echo "usage: check-kmemleak.sh CONSOLE_LOG" >&2; exit 2; }

# One block per object: "unreferenced object 0x... (size N):" up to the
# next one or the end marker.  Frames are "    [<addr>] func+0x1/0x2" or,
# in 7.2, "    func+0x1/0x2"; func may be a compiler clone
# (name.constprop.0, name.isra.0, name.cold).
sed 's/\r$//' "$1" | awk '
	/kmemleak: Kernel memory leak detector initialized/ { on = 1 }
	/kmemleak: Kernel memory leak detector disabled/ { disabled = 1 }
	/guest: kmemleak scan failed/ { scanfail = 1 }
	/guest: kmemleak report begin/ { inrep = 1; began = 1; next }
	/guest: kmemleak report end/ { flush(); inrep = 0; ended = 1; next }
	!inrep { next }
	/unreferenced object/ { flush(); block = $0; head = $0; swap = 0; total++; next }
	{
		block = block "\n" $0
		for (i = 1; i <= NF; i++)
			if ($i ~ /^[A-Za-z0-9_.]+\+0x[0-9a-f]+\/0x[0-9a-f]+$/) {
				sym = $i; sub(/\+.*/, "", sym)
				if (sym ~ /swap|zs_|zsmalloc|zpool/) swap = 1
			}
	}
	function flush() {
		if (block != "") {
			if (swap) { print block; bad++ }
			else others = others "\n  " head
		}
		block = ""; swap = 0
	}
	END {
		err = 0
		if (disabled) { print "error: kmemleak disabled itself (see the console): its report cannot be trusted" > "/dev/stderr"; err = 1 }
		if (scanfail) { print "error: the guest could not make kmemleak scan" > "/dev/stderr"; err = 1 }
		if (on && !began) { print "error: kmemleak was on, but the guest printed no report" > "/dev/stderr"; err = 1 }
		if (began && !ended) { print "error: kmemleak report begun but not ended" > "/dev/stderr"; err = 1 }
		if (bad) { printf "error: kmemleak: %d of %d unreferenced objects were allocated on a swap path (above)\n", bad, total > "/dev/stderr"; err = 1 }
		if (total > bad) printf "kmemleak: %d unreferenced object(s) not on a swap path:%s\n", total - bad, others > "/dev/stderr"
		exit err
	}'
