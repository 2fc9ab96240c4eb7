# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Allocation failures, one vswap allocation site at a time, under load.
#
# Each site (scripts/fault-sites.sh resolves them in the kernel image and
# passes wb.fault_sites= on the command line) is a range of return
# addresses: failslab or fail_page_alloc, whichever allocator the site's
# memory comes from, fails every allocation whose stack passes through
# it, and nothing else (their stack filter,
# CONFIG_FAULT_INJECTION_STACKTRACE_FILTER, on the ORC unwinder).  While
# a site is armed, a workload larger than its cgroup swaps through zswap
# with a small pool (so that zswap writes back to the disk) and verifies
# every byte.
#
# The setup is zswap on the swap disk: where vswap cannot get a cluster,
# a swap-out falls back to the disk, as it would on a kernel without the
# series.  (In zswap-only there is no fallback: a page that vswap cannot
# name stays in memory; the stress plan covers that setup.)
#
# TAP results:
#   alloc-faults:control  the same workload with nothing armed: verified,
#                         back to idle, and none of the fallback counters
#                         moved (else the per-site counters prove nothing).
#   alloc-faults:SITE     with SITE armed: allocations failed there
#                         (fault-inject's "times" went down), every byte
#                         verified (usemem exit 0: no OOM kill, no
#                         corruption), the fallback was counted in debugfs
#                         (the site's counter below, as many times as the
#                         failures make), no splat, and with everything
#                         freed the swap state is back to what it was
#                         before the site: vswap slots and clusters, the
#                         zswap pool, /proc/swaps Used.
#   alloc-faults:swapoff  the swap disk goes off at the end (nothing of
#                         the sites' left on it that cannot come back).
# Sites and what counts their fallback:
#   cluster_struct, virtual_table, swap_table, xarray_node
#                 (vswap_cluster_alloc(): the cluster, its virtual table,
#                 its swap table, the xarray slot that publishes it)
#                 vswap/alloc_fail: the swap-out went to the disk instead;
#                 one for every two failures (four for the xarray), else
#                 some failures were not the site's.
#   memcg_table   (swap_cgroup_prepare(): a cluster's table of cgroup
#                 records, allocated with the first record) armed for
#                 16 failures only: without a record no swap-out is
#                 possible on any device, so failing it for ever would
#                 OOM-kill the workload on any kernel.  vswap/record_fail,
#                 once for each failure: the folio stayed in memory,
#                 reclaim tries it again.
#   backing_slots (swap_alloc_backing(): the swap table of a physical
#                 cluster taken for zswap writeback) vswap/backing_fail_nospc:
#                 where no cluster with a table had room, writeback gave
#                 up and the entry stayed in zswap.
. /guest/lib.sh

CG_BASE=/sys/fs/cgroup/alloc-faults
DBG=/sys/kernel/debug
VS=$DBG/vswap
ZSWAP=/sys/module/zswap/parameters
FAILSLAB=$DBG/failslab
FAIL_PAGE=$DBG/fail_page_alloc
# "times" for a site armed until the workload ends: more than it can use.
FOREVER=1000000
SIZE_MB=128
SPLATS='BUG:|WARNING:|Oops|general protection fault|KASAN:|UBSAN:|blocked for more than|possible circular|inconsistent lock|suspicious RCU|detected stall|lockup|list_(add|del) corruption|bad page state|BAD page'
SITES=
for arg in $(cat /proc/cmdline); do
	case $arg in
	wb.fault_sites=*) SITES=$(echo "${arg#*=}" | tr ',' ' ');;
	esac
done

# The debugfs files the checks read: a missing one would read as 0 and
# make "no counter moved" and "back to idle" true of nothing.
VS_FILES="slots_in_use clusters alloc_fail alloc_fallback backing_alloc backing_fail_nospc record_fail"

vs() { debugfs_count "vswap/$1"; }
kallsyms_addr() { awk -v f="$1" '$3 == f { print "0x" $1; exit }' /proc/kallsyms; }
# An address as fault-sites.sh and kallsyms print it: 0x and 16 hex digits
# (so that string order is numeric order).
is_addr() { echo "$1" | grep -q -x '0x[0-9a-f]\{16\}'; }
addr_le() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort | head -n 1)" = "$1" ]; }

# Which allocator a site's memory comes from: the swap table is a page
# (SWP_TABLE_USE_PAGE, 512 entries of 8 bytes), as is the physical
# cluster's under swap_alloc_backing(); the rest are slab objects.  Only
# that attribute is armed, so every failure counted is one of the site's.
site_attr() {
	case $1 in
	swap_table|backing_slots) echo "$FAIL_PAGE";;
	*) echo "$FAILSLAB";;
	esac
}

# set_knob FILE VALUE: write and read back (debugfs clamps some values).
set_knob() {
	echo "$2" >"$1" 2>/dev/null && [ "$(cat "$1")" = "$2" ] && return 0
	say "cannot set $1 to $2 (reads $(cat "$1" 2>/dev/null))"
	return 1
}

# arm ATTR START END TIMES: ATTR fails every allocation, sleeping or not,
# of any order, whose stack passes START..END, TIMES times at most.
arm() {
	set_knob "$1/probability" 0 &&
	set_knob "$1/require-start" "$2" &&
	set_knob "$1/require-end" "$3" &&
	set_knob "$1/stacktrace-depth" 32 &&
	set_knob "$1/interval" 1 &&
	set_knob "$1/space" 0 &&
	set_knob "$1/verbose" 0 &&
	set_knob "$1/task-filter" N &&
	set_knob "$1/ignore-gfp-wait" N &&
	set_knob "$1/times" "$4" || return 1
	case $1 in
	"$FAILSLAB") set_knob "$1/cache-filter" N || return 1;;
	"$FAIL_PAGE") { set_knob "$1/min-order" 0 && set_knob "$1/ignore-gfp-highmem" N; } || return 1;;
	esac
	set_knob "$1/probability" 100
}

# disarm ATTR TIMES: stop failing; prints how many failures were injected.
disarm() {
	echo 0 >"$1/probability"
	echo $(( $2 - $(cat "$1/times") ))
	echo 1 >"$1/times"
}
disarm_all() { for a in "$FAILSLAB" "$FAIL_PAGE"; do echo 0 >"$a/probability"; done; }

# The state the idle check compares with.
snapshot() { echo "$(vswap_slots) $(vs clusters) $(zswap_stored) $(swaps_used_kb)"; }

# wait_idle BEFORE: up to 10 s for the swap state to come back to BEFORE
# (with the cgroup's leftovers reclaimed); prints what is left.
wait_idle() {
	i=0
	while [ "$(snapshot)" != "$1" ] && [ "$i" -lt 20 ]; do
		[ -d "$CG" ] && reclaim_leftovers "$CG"
		sleep 0.5; i=$((i + 1))
	done
	snapshot
}

# One workload in the site's own cgroup: 128 MiB, half of the pages random
# (they fill zswap's small pool, which then writes back), in 48 MiB.
# Exit status: usemem's, or 200 when the cgroup could not be made.
workload() {
	{ mkdir "$CG" && echo 48M >"$CG/memory.max"; } || return 200
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" \
		/bin/usemem -s "$SIZE_MB" -r 50 >/tmp/alloc-faults.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/alloc-faults.out >&3
	return "$rc"
}

# The fallback counters, in this order: alloc_fail alloc_fallback
# backing_alloc backing_fail_nospc record_fail.
counters() { echo "$(vs alloc_fail) $(vs alloc_fallback) $(vs backing_alloc) $(vs backing_fail_nospc) $(vs record_fail)"; }
# delta N BEFORE AFTER: the change of the Nth counter.
field() { echo "$2" | awk -v n="$1" '{ print $n }'; }
delta() { echo $(( $(field "$1" "$3") - $(field "$1" "$2") )); }

# check_site NAME FUNC FUNC_ADDR START END: is the site well formed, and
# is FUNC where the image said?  Prints what is wrong.
check_site() {
	if ! is_addr "$3" || ! is_addr "$4" || ! is_addr "$5" ||
		! addr_le "$3" "$4" || ! addr_le "$4" "$5" || [ "$4" = "$5" ]; then
		echo "bad site '$1:$2:$3:$4:$5' (want FUNC_ADDR <= START < END)"
		return
	fi
	real=$(kallsyms_addr "$2")
	[ "$real" = "$3" ] ||
		echo "$2 is at ${real:-nowhere} here, $3 in the image: cannot aim at the site"
}

# run_site NAME FUNC FUNC_ADDR START END
run_site() {
	name=$1 func=$2 CG=$CG_BASE-$1 cg_left=
	attr=$(site_attr "$name")
	case $name in
	memcg_table) times=16;;
	*) times=$FOREVER;;
	esac
	if [ "$name" != control ]; then
		bad=$(check_site "$@")
		if [ -n "$bad" ]; then
			tap_result fail "alloc-faults:$name" "$bad"
			return
		fi
	fi
	before=$(snapshot) c0=$(counters) splats0=$(dmesg | grep -c -E "$SPLATS")
	if [ "$name" != control ] && ! arm "$attr" "$4" "$5" "$times"; then
		disarm_all
		tap_result fail "alloc-faults:$name" "cannot arm $attr"
		return
	fi
	say "alloc-faults $name: $func $4..$5 in ${attr#"$DBG"/}, $times failure(s) at most"
	workload; rc=$?
	injected=0
	[ "$name" = control ] || injected=$(disarm "$attr" "$times")
	c1=$(counters)
	[ -d "$CG" ] && cg_kill "$CG"
	left=$(wait_idle "$before")
	rmdir "$CG" 2>/dev/null || cg_left=y
	splats=$(( $(dmesg | grep -c -E "$SPLATS") - splats0 ))
	d_fail=$(delta 1 "$c0" "$c1") d_fb=$(delta 2 "$c0" "$c1")
	d_back=$(delta 3 "$c0" "$c1") d_nospc=$(delta 4 "$c0" "$c1") d_rec=$(delta 5 "$c0" "$c1")
	tap "# alloc-faults: $name rc=$rc injected=$injected alloc_fail=+$d_fail alloc_fallback=+$d_fb backing_alloc=+$d_back backing_fail_nospc=+$d_nospc record_fail=+$d_rec idle_before='$before' after='$left' (slots clusters zswap swaps_kb)"
	# What the failures must have caused.  vswap_cluster_alloc() is
	# tried without sleeping, then with GFP_KERNEL, and alloc_fail
	# counts the pair; __xa_alloc() tries each node allocation twice
	# (again after xas_nomem()).  The disarm may cut one round short.
	per=2
	[ "$name" = xarray_node ] && per=4
	case $name in
	control) counted=$([ "$d_fail" = 0 ] && [ "$d_nospc" = 0 ] && [ "$d_rec" = 0 ] && echo y)
		what="alloc_fail +$d_fail, backing_fail_nospc +$d_nospc, record_fail +$d_rec with nothing armed";;
	memcg_table) counted=$([ "$d_rec" -gt 0 ] && [ "$d_rec" = "$injected" ] && echo y)
		what="record_fail +$d_rec for $injected failure(s)";;
	backing_slots) counted=$([ "$d_nospc" -gt 0 ] && echo y)
		what="backing_fail_nospc +$d_nospc";;
	*) counted=$([ "$d_fail" -gt 0 ] && [ "$injected" -ge $((per * d_fail)) ] &&
			[ "$injected" -lt $((per * d_fail + per)) ] && echo y)
		what="alloc_fail +$d_fail for $injected failure(s), $per each";;
	esac
	why=
	[ "$name" = control ] || [ "$injected" -gt 0 ] || why="$why; no allocation failed at the site"
	case $rc in
	0) ;;
	200) why="$why; cannot make $CG";;
	*) why="$why; usemem exit $rc (1: data mismatch, 2: no memory, 137: killed)";;
	esac
	[ -n "$counted" ] || why="$why; fallback not counted ($what)"
	[ "$left" = "$before" ] || why="$why; not back to idle: slots clusters zswap swaps_kb $before before, $left after"
	[ -z "$cg_left" ] || why="$why; cannot remove $CG"
	[ "$splats" = 0 ] || why="$why; $splats splat line(s)"
	if [ -z "$why" ]; then
		tap_result ok "alloc-faults:$name"
	else
		tap_result fail "alloc-faults:$name" "${why#; }"
	fi
}

tap_begin
if [ -z "$SITES" ]; then
	tap_result fail "alloc-faults" "no wb.fault_sites= on the command line (scripts/fault-sites.sh)"
	tap_end; exit
fi
for a in "$FAILSLAB" "$FAIL_PAGE"; do
	if [ ! -w "$a/require-start" ]; then
		tap_result fail "alloc-faults" "no $a/require-start: the kernel needs FAILSLAB, FAIL_PAGE_ALLOC and FAULT_INJECTION_STACKTRACE_FILTER"
		tap_end; exit
	fi
done
for f in $VS_FILES; do
	if [ ! -r "$VS/$f" ]; then
		tap_result fail "alloc-faults" "no $VS/$f: not a vswap kernel, or one without this counter"
		tap_end; exit
	fi
done
pool0=$(cat "$ZSWAP/max_pool_percent")
if ! swap_setup zswap-disk || [ ! -r "$DBG/zswap/stored_pages" ] ||
	! echo 2 >"$ZSWAP/max_pool_percent"; then
	tap_result fail "alloc-faults" "cannot set up zswap (2% pool, debugfs stored_pages) on $SWAPDISK"
	tap_end; exit
fi

run_site control - - - -
for s in $SITES; do
	# NAME:FUNC:FUNC_ADDR:START:END
	IFS=: read -r n f fa st en <<EOF
$s
EOF
	run_site "$n" "$f" "$fa" "$st" "$en"
done

echo "$pool0" >"$ZSWAP/max_pool_percent"
if swapoff "$SWAPDISK"; then
	tap_result ok "alloc-faults:swapoff"
else
	tap_result fail "alloc-faults:swapoff" "the final swapoff of $SWAPDISK failed"
fi
tap_end
