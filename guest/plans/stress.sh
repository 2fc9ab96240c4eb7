# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Stress: stress-ng's memory stressors, each with --verify, in a memory
# cgroup far below their working set, in each swap setup, while the setup
# churns around them: the swap disk goes off and on again while a swap
# file beside it stays (swapoff has to bring back what vswap slots have on
# the disk), memory.reclaim pokes the cgroup, zswap's pool is small (so zswap writes back), and on a vswap
# kernel vswap.enabled flips between the virtual and the direct path
# (where a physical device stays on when it is off).
#
# TAP results:
#   stress:SETUP:STRESSOR  stress-ng exit 0 (every verification passed)
#                          and no new kernel splat; exit 2 (a failed
#                          verification), 3 (no resources at setup) or any
#                          other status fails; 4 (not implemented here) is
#                          a skip.  Stressors without data to check (fork,
#                          mmapfork, madvise) are judged by status only.
#   stress:SETUP:swapped   the stressors swapped pages out (pswpout or
#                          zswpout moved): else they tested nothing.
#   stress:SETUP:churn     the churn ran: memory.reclaim pokes, the disk
#                          off and on again at least once (where the setup
#                          has one; swapon never failed), vswap.enabled
#                          flipped (on a vswap kernel, where a physical
#                          device stays on: not in zswap-only).
#   stress:SETUP:idle      everything exited (and the cgroup's leftovers
#                          reclaimed): vswap slots, the zswap pool and
#                          /proc/swaps Used are back to what the setup
#                          found before its stressors, but for at most
#                          CACHE_MAX slots the cgroup's swap-cache folios
#                          alone hold (a leak check; init and the plan's
#                          shell may not swap, the root is ramfs).
#   stress:SETUP:swapoff   the setup's final swapoff worked.
# A splat also fails the guest's own result (scripts/check-splats.sh).
#
# Kernel command line: wb.stress_secs=N (each stressor's time, default 6),
# wb.stress_setups=a,b (a subset of: zswap-disk zswap-only disk zram).
. /guest/lib.sh

CG=/sys/fs/cgroup/stress
PAGE_BYTES=$(getconf PAGESIZE 2>/dev/null || echo 4096)
# Swap-cache-only pages the idle check excuses at most: 1 to 2 seen.
CACHE_MAX=16
TMPDIR_STRESS=/scratch/stress
# stress-ng's output, written from inside the cgroup: on ext4, not on
# tmpfs, whose pages would be swapped out and outlive the stressors.
OUTFILE=/scratch/stress.out
ZSWAP=/sys/module/zswap/parameters
VSWAP=/sys/module/vswap/parameters
SECS=6
SETUPS="zswap-disk zswap-only disk zram"
for arg in $(cat /proc/cmdline); do
	case $arg in
	wb.stress_secs=*) SECS=${arg#*=};;
	wb.stress_setups=*) SETUPS=$(echo "${arg#*=}" | tr ',' ' ');;
	esac
done

# NAME ARGS: the stressors.  Sizes are per worker; the cgroup (memory.max
# 48 MiB) holds about half of each stressor's memory.  No shm-sysv: run
# as root it locks its segments in memory, so no swap setup can page
# them out; its children were OOM-killed in nearly every run, with 32 to
# 43 MiB of the cgroup's 48 unevictable (memory.stat at the kill), at 32,
# 16 and 8 MiB a segment alike, and a killed child fails the stressor
# ("zero bytes read").  It tested the OOM killer, not swap; memfd's
# shmem pages are the ones that swap.
STRESSORS="vm:--vm 2 --vm-bytes 48M --vm-method all
mmap:--mmap 2 --mmap-bytes 48M
madvise:--madvise 2
fork:--fork 2
mmapfork:--mmapfork 2
userfaultfd:--userfaultfd 1 --userfaultfd-bytes 48M
memfd:--memfd 2 --memfd-bytes 48M
swap:--swap 1"

SPLATS='BUG:|WARNING:|Oops|general protection fault|KASAN:|UBSAN:|blocked for more than|possible circular|inconsistent lock|suspicious RCU|detected stall|lockup|list_(add|del) corruption|bad page state|BAD page'
splats() { dmesg | grep -c -E "$SPLATS"; }

# The device that churn takes off and on again: the disk, in the setups
# that have a swap file beside it (so that swap never goes away as a whole,
# which would OOM-kill stressors on any kernel).  None for zswap-only and
# zram.
SWAPFILE_B=/scratch/stress-b.swap
churn_dev() {
	case $1 in
	zswap-disk|disk) echo "$SWAPDISK";;
	esac
}
# Does churn flip vswap.enabled in SETUP?  On a vswap kernel, where a
# physical device stays on: in zswap-only, vswap.enabled=0 leaves no swap
# at all, as on a kernel without the series and without a swapfile, and
# the stressors would be OOM-killed on any kernel.
churn_toggles() { [ -w "$VSWAP/enabled" ] && [ "$1" != zswap-only ]; }

# churn SETUP: runs until $CHURN_STOP exists, and stops between rounds,
# so that it never leaves the device off.
# What it did goes to $CHURN_LOG, one word a line: reclaim, cycle (the
# device went off and on again), swapoff-failed (for want of memory: the
# device stays, the next round tries again), swapon-failed, toggle.
CHURN_STOP=/tmp/stress.churn-stop
CHURN_LOG=/tmp/stress.churn
churn() {
	dev=$(churn_dev "$1") n=0
	while [ ! -e "$CHURN_STOP" ]; do
		n=$((n + 1))
		echo 4M >"$CG/memory.reclaim" 2>/dev/null
		echo reclaim >>"$CHURN_LOG"
		if [ -n "$dev" ] && [ $((n % 4)) = 0 ]; then
			if ! swapoff "$dev"; then
				echo swapoff-failed >>"$CHURN_LOG"
			elif swapon "$dev"; then
				echo cycle >>"$CHURN_LOG"
			else
				echo swapon-failed >>"$CHURN_LOG"
			fi
		fi
		if churn_toggles "$1" && [ $((n % 3)) = 0 ]; then
			if [ "$(cat "$VSWAP/enabled")" = Y ]; then echo N; else echo Y; fi >"$VSWAP/enabled"
			echo toggle >>"$CHURN_LOG"
		fi
		sleep 1
	done
}
churn_count() { grep -c -x "$1" "$CHURN_LOG"; }

setup() {
	swap_setup "$1" || return 1
	case $1 in
	zswap-*) echo 5 >"$ZSWAP/max_pool_percent";;
	esac
	case $1 in
	zswap-disk|disk)
		dd if=/dev/zero of="$SWAPFILE_B" bs=1M count=256 2>/dev/null &&
			chmod 600 "$SWAPFILE_B" && mkswap "$SWAPFILE_B" >/dev/null &&
			swapon "$SWAPFILE_B" || return 1;;
	esac
	mkdir -p "$CG" "$TMPDIR_STRESS" || return 1
	echo 48M >"$CG/memory.max"
}

# teardown [keep]: the stressors killed, the setup's parameters back;
# the cgroup removed unless "keep" (the idle check reclaims from it).
teardown() {
	[ -w "$VSWAP/enabled" ] && echo Y >"$VSWAP/enabled"
	echo 20 >"$ZSWAP/max_pool_percent"
	[ -d "$CG" ] && cg_kill "$CG"
	[ "${1:-}" = keep ] || remove_cg
	rm -rf "$TMPDIR_STRESS"
}

remove_cg() {
	if [ -d "$CG" ]; then
		rmdir "$CG" || say "cannot remove $CG"
	fi
}

swapped_out() { echo $(( $(vmstat pswpout) + $(vmstat zswpout) )); }

# run_stressor SETUP NAME ARGS
run_stressor() {
	before=$(splats) out0=$(swapped_out) oom0=$(vmstat oom_kill)
	say "stress $1 $2: stress-ng $3"
	# shellcheck disable=SC2086 # ARGS are words
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" \
		stress-ng $3 --verify --timeout "${SECS}s" --temp-path "$TMPDIR_STRESS" \
		--metrics-brief </dev/null >"$OUTFILE" 2>&1
	rc=$?
	sed 's/^/# /' "$OUTFILE" >&3
	tap "# stress: $1 $2 rc=$rc swapped_out=$(( $(swapped_out) - out0 )) oom_kill=$(( $(vmstat oom_kill) - oom0 ))"
	new=$(( $(splats) - before ))
	if [ "$new" -gt 0 ]; then
		tap_result fail "stress:$1:$2" "$new kernel splat line(s): $(dmesg | grep -E "$SPLATS" | tail -n 1)"
		return
	fi
	case $rc in
	0) tap_result ok "stress:$1:$2";;
	4) tap_result skip "stress:$1:$2" "stress-ng exit 4: not implemented on this system";;
	2) tap_result fail "stress:$1:$2" "stress-ng exit 2: a stressor or its verification failed";;
	3) tap_result fail "stress:$1:$2" "stress-ng exit 3: out of resources (memory or swap) at setup";;
	*) tap_result fail "stress:$1:$2" "stress-ng exit $rc";;
	esac
}

# init and this shell (and what it starts, but for the stressors, which
# go to $CG) in a cgroup of their own that may not swap: global reclaim
# would otherwise swap out their new pages now and then, and a page of
# theirs swapped back in keeps its slot with its swap cache while swap is
# less than half full, which the idle check would count.  (Pages they
# touched before keep their charge at the root; the root filesystem is
# ramfs for this plan, run-guest.sh.)  Kernel threads stay at the root.
HOST_CG=/sys/fs/cgroup/stress-host
host_cg() {
	mkdir -p "$HOST_CG" && echo 0 >"$HOST_CG/memory.swap.max" || return 1
	for pid in 1 $$; do
		echo "$pid" >"$HOST_CG/cgroup.procs" || return 1
	done
}

tap_begin
if ! host_cg; then
	tap_result fail "stress" "cannot put init and the plan's shell in $HOST_CG (memory.swap.max = 0)"
	tap_end
	exit
fi
tap "# setups: $SETUPS (of zswap-disk zswap-only disk zram), ${SECS} s a stressor; root filesystem $(grep -q rootfstype=ramfs /proc/cmdline && echo ramfs || echo tmpfs)"
if ! command -v stress-ng >/dev/null; then
	tap_result fail "stress" "no stress-ng in the initramfs (scripts/build-initramfs.sh, make deps)"
	tap_end
	exit
fi
for s in $SETUPS; do
	if ! setup "$s"; then
		tap_result fail "stress:$s:setup" "swap setup $s failed"
		teardown
		continue
	fi
	settle_memory
	idle_swap=$(swaps_used_kb) idle_pool=$(zswap_stored) idle_slots=$(vswap_slots)
	idle_cache=$(vswap_cache_only)
	setup_out0=$(swapped_out)
	rm -f "$CHURN_STOP"
	: >"$CHURN_LOG"
	churn "$s" &
	churner=$!
	# A here-document, not a pipe: the loop must run in this shell,
	# which counts the TAP results.
	while IFS=: read -r name args; do
		run_stressor "$s" "$name" "$args"
	done <<EOF
$STRESSORS
EOF
	touch "$CHURN_STOP"
	wait "$churner"
	# The stressors must have made the setup swap, or they tested nothing.
	n_out=$(( $(swapped_out) - setup_out0 ))
	if [ "$n_out" -gt 0 ]; then
		tap_result ok "stress:$s:swapped" "$n_out pages swapped out"
	else
		tap_result fail "stress:$s:swapped" "no page was written to swap (pswpout, zswpout)"
	fi
	# And the churn must have run: the device off and on again at least
	# once where there is one, vswap.enabled flipped on a vswap kernel.
	why=''
	[ "$(churn_count reclaim)" -gt 0 ] || why="$why no memory.reclaim poke;"
	if [ -n "$(churn_dev "$s")" ]; then
		[ "$(churn_count cycle)" -gt 0 ] || why="$why no swapoff/swapon cycle ($(churn_count swapoff-failed) swapoff failures);"
		[ "$(churn_count swapon-failed)" = 0 ] || why="$why swapon failed;"
	fi
	if churn_toggles "$s"; then
		[ "$(churn_count toggle)" -gt 0 ] || why="$why vswap.enabled never flipped;"
	fi
	tap "# churn: $s reclaim=$(churn_count reclaim) cycle=$(churn_count cycle) swapoff_failed=$(churn_count swapoff-failed) swapon_failed=$(churn_count swapon-failed) toggle=$(churn_count toggle)"
	if [ -z "$why" ]; then tap_result ok "stress:$s:churn"; else tap_result fail "stress:$s:churn" "$why"; fi
	teardown keep
	# Everything exited: what the stressors had swapped out is freed,
	# but for slots that only a folio in the swap cache still holds (no
	# swap count): one whose last mapping went while the folio was
	# locked stays with it, on any kernel, and memory.reclaim does not
	# always free it (seen on the kernel without CONFIG_VSWAP too: 4 kB
	# on the disk, the cgroup's memory.stat swapcached 4096, after 10 s
	# of reclaim).  reclaim_leftovers frees most.  What is left may be
	# excused up to the cgroup's swap-cache folios (memory.stat
	# swapcached, which may lag 2 s: only after 3 passes), each holding
	# a vswap slot (debugfs slots_cache_only) and a physical one, and
	# up to CACHE_MAX pages: any other slot, and any zswap entry, is a
	# leak.
	i=0
	while :; do
		reclaim_leftovers "$CG"
		cached=$(( $(cg_key "$CG/memory.stat" swapcached) / PAGE_BYTES ))
		left_swap=$(( $(swaps_used_kb) - idle_swap ))
		left_pool=$(( $(zswap_stored) - idle_pool ))
		left_slots=$(( $(vswap_slots) - idle_slots ))
		left_cache=$(( $(vswap_cache_only) - idle_cache ))
		[ "$cached" -le "$CACHE_MAX" ] || cached=$CACHE_MAX
		ok_slots=$(( left_cache < cached ? left_cache : cached ))
		leak_slots=$(( left_slots > ok_slots ? left_slots - ok_slots : 0 ))
		ok_kb=$(( cached * PAGE_BYTES / 1024 ))
		leak_swap=$(( left_swap > ok_kb ? left_swap - ok_kb : 0 ))
		[ "$left_swap$left_pool$left_slots" = 000 ] && break
		[ "$i" -ge 3 ] && [ "$leak_swap$leak_slots" = 00 ] && [ "$left_pool" -le 0 ] && break
		[ "$i" -lt 10 ] || break
		sleep 1; i=$((i + 1))
	done
	tap "# idle: $s: after ${i} s of reclaim: /proc/swaps +${left_swap} kB, zswap +${left_pool} pages, vswap +${left_slots} slots (${left_cache} only in the swap cache); the cgroup's swap cache: ${cached} pages (at most $CACHE_MAX excused)"
	remove_cg
	if [ -d "$CG" ]; then
		tap_result fail "stress:$s:idle" "the cgroup $CG could not be removed"
	elif [ "$leak_swap" = 0 ] && [ "$left_pool" -le 0 ] && [ "$leak_slots" = 0 ]; then
		tap_result ok "stress:$s:idle"
	else
		tap_result fail "stress:$s:idle" "left: /proc/swaps ${leak_swap} kB, zswap ${left_pool} pages, vswap ${leak_slots} slots that no swap cache folio holds"
		for f in /sys/kernel/debug/vswap/*; do
			[ -f "$f" ] && tap "# $(basename "$f"): $(cat "$f" | tr '\n' ' ')"
		done
		grep -E '^(Swap|Shmem|Zswap)' /proc/meminfo | sed 's/^/# /' >&3
		# Who still has pages out: each process's VmSwap.
		for st in /proc/[0-9]*/status; do
			awk '$1 == "Name:" { n = $2 } $1 == "Pid:" { p = $2 }
			     $1 == "VmSwap:" && $2 > 0 { print "# VmSwap " p " " n " " $2 " kB" }' "$st" 2>/dev/null
		done >&3
	fi
	# Every device the setup has on goes off.
	off_failed=''
	for dev in $(awk 'NR > 1 { print $1 }' /proc/swaps); do
		swapoff "$dev" || off_failed="$off_failed $dev"
	done
	if [ -z "$off_failed" ] && [ "$(awk 'NR > 1' /proc/swaps | wc -l)" = 0 ]; then
		tap_result ok "stress:$s:swapoff"
	else
		tap_result fail "stress:$s:swapoff" "swapoff failed:$off_failed; on: $(awk 'NR > 1 { print $1 }' /proc/swaps | tr '\n' ' ')"
	fi
	swap_reset
	rm -f "$SWAPFILE_B"
done
tap_end
