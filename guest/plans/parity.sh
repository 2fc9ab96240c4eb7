# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Reclaim parity: a fixed list of reclaim scenarios, each run with the
# virtual swap device on (vswap.enabled=1) and off (vswap.enabled=0, the
# directly mapped path of the same boot image), and compared.  On a kernel
# without the series (the base kernel) each scenario runs once, in mode
# "base", judged only by the rules every run has (below): docs/parity.md
# keeps base's numbers.
#
# Every run leaves one line on fd 3 (TAP comment), parsed by
# scripts/parity-report.py:
#   # parity: scenario=NAME mode=vswap|direct|base rc=.. cg_oom=.. \
#       hold_swap_kb=.. swap_peak_kb=.. vm_pswpout=.. ... idle=yes|no
# and each scenario one TAP result, "parity:NAME".  It fails when a run
# corrupted data, its setup or hold step failed, or its counters did not
# come back to idle after free (every run, base's too), and on a vswap
# kernel when vswap did worse than the directly mapped path by a rule of
# the scenario (check() below).
#
# The tolerances: counts of scanned and refaulted pages may exceed the
# direct path's by 25% plus 4096 pages (16 MiB), the noise of reclaim in a
# 64 MiB cgroup under TCG measured over repeated runs; amounts swapped out
# must reach 90% of the direct path's.
#
# "parity.sh hold NAME" is the command usemem runs (-x) while a scenario's
# memory is held: it is not a plan of its own.
. /guest/lib.sh

CG=/sys/fs/cgroup
BOX=$CG/parity
OUT=/tmp/parity.out
MID=/tmp/parity.mid
HOLDREC=/tmp/parity.holdrec
SWAPFILE=/scratch/parity.swap
SWAPFILE_B=/scratch/parity-b.swap
VMKEYS="pswpin pswpout zswpin zswpout zswpwb swpout_zero pgscan_anon workingset_refault_anon pgmajfault oom_kill"
THP=/sys/kernel/mm/transparent_hugepage
ZSWAP=/sys/module/zswap/parameters

kb_of() { v=$(cat "$1" 2>/dev/null || echo 0); [ "$v" = max ] && v=0; echo $((v / 1024)); }
snapshot() { for k in $VMKEYS; do echo "$k $(vmstat "$k")"; done >"$1"; }
# delta FROM TO KEY
delta() { echo $(( $(cg_key "$2" "$3") - $(cg_key "$1" "$3") )); }

# Write back everything the cgroup has in zswap: the zswap shrinker runs
# in memory.reclaim (swappiness=0 keeps reclaim from swapping out more).
# What it leaves (it skips the entries of a deleted cgroup's reparented
# list, and counts little for data that compresses well) goes by the
# pool limit: with max_pool_percent=0 every store fails and wakes zswap's
# global writeback.
# In kB of the pages stored (memory.stat zswapped), not of the pool.
zswap_left_kb() { echo $(( $(cg_key "$BOX/memory.stat" zswapped) / 1024 )); }
writeback_box() {
	i=0
	while [ "$i" -lt 8 ] && [ "$(zswap_left_kb)" -gt 256 ]; do
		echo "64M swappiness=0" >"$BOX/memory.reclaim" 2>/dev/null
		i=$((i + 1))
	done
	pct=$(cat "$ZSWAP/max_pool_percent")
	echo 0 >"$ZSWAP/max_pool_percent"
	i=0
	while [ "$i" -lt 100 ] && [ "$(zswap_left_kb)" -gt 256 ]; do
		/bin/usemem -s 1 -P >/dev/null
		i=$((i + 1))
	done
	echo "$pct" >"$ZSWAP/max_pool_percent"
	# 1 MiB left is a failure of the hold step (cmd_rc), judged below.
	[ "$(zswap_left_kb)" -le 1024 ]
}

# --- What runs while usemem holds its memory (usemem -x). ---
if [ "${1:-}" = hold ]; then
	case $2 in
	writeback)
		writeback_box
		rc=$?
		snapshot "$MID"
		exit "$rc";;
	reclaim)
		echo 64M >"$BOX/memory.reclaim" 2>/dev/null
		snapshot "$MID";;
	writeback-drop)
		# Written back, then the clean swap cache dropped: the verify
		# reads the pages from the disk.
		writeback_box
		rc=$?
		echo "64M swappiness=max" >"$BOX/memory.reclaim" 2>/dev/null
		snapshot "$MID"
		exit "$rc";;
	compressible-after)
		# Cold incompressible data is held; compressible data follows.
		/bin/usemem -s 64;;
	deleted-cgroup)
		# usemem and this shell leave the child for the root cgroup (the
		# parent has controllers on, so it holds no process), and the
		# child is removed: usemem's memory stays charged to the dead
		# cgroup.  Reclaim of the parent must write its zswap entries
		# back.
		while read -r p; do
			echo "$p" >"$CG/cgroup.procs"
		done <"$BOX/child/cgroup.procs"
		rmdir "$BOX/child" || exit 1
		echo "held_zswap_pages=$(zswap_stored)" >"$HOLDREC"
		snapshot "$MID.0"
		writeback_box
		rc=$?
		snapshot "$MID"
		exit "$rc";;
	swapoff-under-load)
		# Device B comes on, reclaim and zswap writeback run in the
		# cgroup, and device A goes off under them.
		swapon "$SWAPFILE_B" || exit 1
		(while :; do echo "8M" >"$BOX/memory.reclaim" 2>/dev/null; done) &
		loader=$!
		swapoff "$SWAPDISK"
		rc=$?
		kill "$loader"
		wait "$loader" 2>/dev/null
		snapshot "$MID"
		# After: the cgroup's swap.current is what B holds.
		b=$(awk -v f="$SWAPFILE_B" '$1 == f { print $4 }' /proc/swaps)
		echo "after_swap_current_kb=$(kb_of "$BOX/memory.swap.current") b_used_kb=${b:-0}" >"$HOLDREC"
		exit "$rc";;
	*) exit 2;;
	esac
	exit 0
fi

tap_begin

if [ -e /sys/module/vswap/parameters/enabled ]; then
	MODES="vswap direct"
else
	MODES=base
fi

# --- Setups. ---
swapfile_on() { # PATH MiB
	[ -f "$1" ] || { dd if=/dev/zero of="$1" bs=1M count="$2" 2>/dev/null && chmod 600 "$1"; } || return 1
	mkswap "$1" >/dev/null && swapon "$1"
}

# reset: no swap, zswap off with default limits, THP as the guest booted,
# no parity cgroup.
reset_all() {
	swap_reset
	[ -e "$SWAPFILE" ] && swapoff "$SWAPFILE" 2>/dev/null
	[ -e "$SWAPFILE_B" ] && swapoff "$SWAPFILE_B" 2>/dev/null
	echo 20 >"$ZSWAP/max_pool_percent"
	echo Y >"$ZSWAP/shrinker_enabled" 2>/dev/null
	echo madvise >"$THP/enabled"
	echo never >"$THP/hugepages-64kB/enabled" 2>/dev/null
	echo never >"$THP/hugepages-64kB/shmem_enabled" 2>/dev/null
	# A hold step's processes outlive an OOM-killed usemem: kill them.
	if [ -d "$BOX" ]; then
		cg_kill "$BOX"
		[ -d "$BOX/child" ] && rmdir "$BOX/child"
		rmdir "$BOX" || say "cannot remove $BOX"
	fi
	settle_memory
}

# box MEMORY_MAX [FILE=VALUE ...]: the scenario's cgroup.
box() {
	mkdir "$BOX" || return 1
	echo "$1" >"$BOX/memory.max"; shift
	for kv in "$@"; do echo "${kv#*=}" >"$BOX/${kv%%=*}" || return 1; done
}

# --- The scenarios: setup and workload of each (sc_NAME). ---
# Large folios zswap refuses (memory.zswap.max=0) with a swap file: base
# splits them and writes them to the file.
sc_mthp_zswap_refused() {
	swapfile_on "$SWAPFILE" 256 && zswap_enable lz4 || return 125
	echo always >"$THP/hugepages-64kB/enabled" || return 125
	box max memory.zswap.max=0 || return 125
	in_box usemem -s 64 -P -x "sh /guest/plans/parity.sh hold reclaim"
}
sc_thp_zswap_refused() {
	swapfile_on "$SWAPFILE" 256 && zswap_enable lz4 || return 125
	box max memory.zswap.max=0 || return 125
	in_box usemem -s 64 -t -x "sh /guest/plans/parity.sh hold reclaim"
}
# The same for large shmem folios: shmem_writeout() splits them.
sc_shmem_mthp_zswap_refused() {
	swapfile_on "$SWAPFILE" 256 && zswap_enable lz4 || return 125
	echo always >"$THP/hugepages-64kB/shmem_enabled" || return 125
	box max memory.zswap.max=0 || return 125
	in_box usemem -s 64 -S -P -x "sh /guest/plans/parity.sh hold reclaim"
}
# No swap device, compressible data mixed with data that does not
# compress: it fits in RAM plus the compressed pool (5% of RAM, smaller
# than the data that does not compress).
sc_nodev_mixed() {
	zswap_enable lz4 || return 125
	echo 5 >"$ZSWAP/max_pool_percent"
	box 96M || return 125
	in_box usemem -s 128 -r 25
}
# Cold incompressible data, then compressible data.
sc_nodev_cold_incompressible() {
	zswap_enable lz4 || return 125
	echo 5 >"$ZSWAP/max_pool_percent"
	box 96M || return 125
	in_box usemem -s 48 -r 100 -x "sh /guest/plans/parity.sh hold compressible-after"
}
# The same mixed workload on zram: how the base kernel serves a host with
# no swap device today.
sc_zram_mixed() {
	swap_zram_on 512M lz4 || return 125
	box 96M || return 125
	in_box usemem -s 128 -r 25
}
# A cgroup that may not use zswap, and no device: nothing can swap.
sc_memcg_zswap_max0_nodev() {
	zswap_enable lz4 || return 125
	box 64M memory.zswap.max=0 || return 125
	in_box usemem -s 96
}
# A cgroup that may not use zswap, with a swap disk: everything to disk.
sc_memcg_zswap_max0_disk() {
	swap_disk_on && zswap_enable lz4 || return 125
	box 64M memory.zswap.max=0 || return 125
	in_box usemem -s 96
}
# zswap writeback is not allowed: incompressible pages stay in RAM.
sc_memcg_zswap_writeback0() {
	swap_disk_on && zswap_enable lz4 || return 125
	box 96M memory.zswap.writeback=0 || return 125
	in_box usemem -s 128 -r 25
}
# memory.swap.max reached while zswap writes back (a small pool).
sc_swap_max_writeback() {
	swap_disk_on && zswap_enable lz4 || return 125
	echo 2 >"$ZSWAP/max_pool_percent"
	box 64M memory.swap.max=8M || return 125
	in_box usemem -s 96 -r 10
}
# Pages of a deleted cgroup with a small memory.swap.max.
sc_deleted_cgroup() {
	swap_disk_on && zswap_enable lz4 || return 125
	box max || return 125
	echo +memory >"$BOX/cgroup.subtree_control"
	mkdir "$BOX/child" && echo 4M >"$BOX/child/memory.swap.max" || return 125
	in_box_child usemem -s 32 -P -x "sh /guest/plans/parity.sh hold deleted-cgroup"
}
# Pages written back to disk, read back, and swapped out again: base reads
# ahead and drops the clean swap cache without writing it again.
sc_disk_readback() {
	swap_disk_on && zswap_enable lz4 || return 125
	box max || return 125
	in_box usemem -s 64 -P -R -x "sh /guest/plans/parity.sh hold writeback-drop"
}
# Memory in zswap, zero pages and pages on disk, freed by exit.
sc_free_untouched() {
	swap_disk_on && zswap_enable lz4 || return 125
	box max || return 125
	in_box usemem -s 32 -r 30 -P -x "sh /guest/plans/parity.sh hold writeback" &&
		in_box usemem -s 16 -z -P
}
# swapoff of device A under reclaim and writeback, device B just added.
sc_swapoff_under_load() {
	swapfile_on "$SWAPFILE_B" 128 && swapoff "$SWAPFILE_B" || return 125
	swap_disk_on && zswap_enable lz4 || return 125
	echo 5 >"$ZSWAP/max_pool_percent"
	box max memory.swap.max=64M || return 125
	in_box usemem -s 64 -r 50 -P -x "sh /guest/plans/parity.sh hold swapoff-under-load"
}

SCENARIOS="mthp_zswap_refused thp_zswap_refused shmem_mthp_zswap_refused nodev_mixed
nodev_cold_incompressible zram_mixed memcg_zswap_max0_nodev
memcg_zswap_max0_disk memcg_zswap_writeback0 swap_max_writeback
deleted_cgroup disk_readback free_untouched swapoff_under_load"
# Scenarios whose outcome the series kselftest (mm/vswap) also checks on
# every `make test`: disk_readback and memcg_no_swap against
# vswap.enabled=0, zswap_refused_thp (no vswap slot, every page to the
# file) and freed_untouched (every slot, entry and file slot given back)
# as absolute outcomes.  wb.parity=short (make test, for CI's time)
# leaves them out; `make test PLANS=parity` (and VARIANT=base, the
# reference) runs them all.
KSELFTEST_TOO="thp_zswap_refused memcg_zswap_max0_nodev disk_readback free_untouched"

in_box() { sh -c 'echo $$ >"$0/cgroup.procs" || exit 125; exec "$@"' "$BOX" "$@" >>"$OUT" 2>&1; }
in_box_child() { sh -c 'echo $$ >"$0/cgroup.procs" || exit 125; exec "$@"' "$BOX/child" "$@" >>"$OUT" 2>&1; }

# Value of KEY in the first "usemem: ..." line of $OUT that has it.
outkey() { sed -n "s/^usemem:.* $1=\([^ ]*\).*/\1/p" "$OUT" | head -n 1; }

# run_mode NAME MODE: one run; its record goes to /tmp/parity.NAME.MODE.
run_mode() {
	case $2 in
	vswap) echo 1 >/sys/module/vswap/parameters/enabled;;
	direct) echo 0 >/sys/module/vswap/parameters/enabled;;
	esac
	reset_all
	: >"$OUT"
	rm -f "$MID" "$MID.0" "$HOLDREC"
	idle_swap0=$(swaps_used_kb) idle_pool0=$(zswap_stored) idle_slots0=$(vswap_slots)
	snapshot /tmp/parity.before
	t0=$(date +%s)
	"sc_$1"
	rc=$?
	secs=$(( $(date +%s) - t0 ))
	snapshot /tmp/parity.after
	[ -f "$MID" ] || cp /tmp/parity.after "$MID"
	sed 's/^/# /' "$OUT" >&3
	rec="scenario=$1 mode=$2 rc=$rc secs=$secs"
	rec="$rec cg_oom=$(cg_key "$BOX/memory.events" oom_kill 2>/dev/null || echo 0)"
	rec="$rec hold_swap_kb=$(outkey hold_swap_kb) cmd_rc=$(outkey cmd_rc)"
	rec="$rec swap_peak_kb=$(kb_of "$BOX/memory.swap.peak")"
	for k in $VMKEYS; do
		rec="$rec vm_$k=$(delta /tmp/parity.before /tmp/parity.after "$k")"
	done
	# Round 2 (after the hold command): what the verify and a second
	# pageout cost; r2_stored: pages written to a device or zswap again.
	for k in pswpin pswpout zswpout pgmajfault; do
		rec="$rec r2_$k=$(delta "$MID" /tmp/parity.after "$k")"
	done
	rec="$rec r2_stored=$(( $(delta "$MID" /tmp/parity.after pswpout) + $(delta "$MID" /tmp/parity.after zswpout) ))"
	[ -f "$MID.0" ] && rec="$rec hold_zswpwb=$(delta "$MID.0" "$MID" zswpwb)"
	[ -f "$HOLDREC" ] && rec="$rec $(cat "$HOLDREC")"
	# Everything freed: the counters back to idle (the cgroup's
	# swap.current, /proc/swaps Used, the zswap pool and vswap slots as
	# the run found them).
	sleep 1
	left_swap=$(kb_of "$BOX/memory.swap.current")
	left_zswap=$(kb_of "$BOX/memory.zswap.current")
	left_used=$(( $(swaps_used_kb) - idle_swap0 ))
	left_pool=$(( $(zswap_stored) - idle_pool0 ))
	left_slots=$(( $(vswap_slots) - idle_slots0 ))
	dying=$(cg_key "$BOX/cgroup.stat" nr_dying_descendants)
	dying=${dying:-missing}
	i=0
	while [ "$dying" != 0 ] && [ "$i" -lt 10 ]; do
		sleep 1; i=$((i + 1))
		dying=$(cg_key "$BOX/cgroup.stat" nr_dying_descendants)
		dying=${dying:-missing}
	done
	idle=yes
	for v in "$left_swap" "$left_zswap" "$left_used" "$left_pool" "$left_slots" "$dying"; do
		[ "${v:-missing}" = 0 ] || idle=no
	done
	rec="$rec left_swap_kb=$left_swap left_zswap_kb=$left_zswap left_used_kb=$left_used"
	rec="$rec left_pool=$left_pool left_slots=$left_slots dying=$dying idle=$idle"
	tap "# parity: $rec"
	say "parity: $rec"
	echo "$rec" >"/tmp/parity.$1.$2"
}

# rk NAME MODE KEY: KEY of a record.
rk() { tr ' ' '\n' <"/tmp/parity.$1.$2" | sed -n "s/^$3=//p"; }
# has NAME MODE KEY: the record has a number for KEY (else the rule fails).
has() {
	case $(rk "$1" "$2" "$3") in
	''|*[!0-9-]*) why="$why $2: no value for $3;"; return 1;;
	esac
}
# no_more NAME KEY: vswap's KEY is within the tolerance of direct's.  When
# vswap ran the workload through and direct did not, vswap did better and
# the counts are not comparable.
no_more() {
	has "$1" vswap "$2" && has "$1" direct "$2" || return
	v=$(rk "$1" vswap "$2") d=$(rk "$1" direct "$2")
	[ "$(rk "$1" vswap rc)" = 0 ] && [ "$(rk "$1" direct rc)" != 0 ] && return
	[ $((v * 4)) -le $((d * 5 + 4096 * 4)) ] ||
		why="$why $2 $v > $d (direct) + 25% + 4096;"
}
# at_least NAME KEY: vswap's KEY reaches 90% of direct's.
at_least() {
	has "$1" vswap "$2" && has "$1" direct "$2" || return
	v=$(rk "$1" vswap "$2") d=$(rk "$1" direct "$2")
	[ $((v * 10)) -ge $((d * 9)) ] || why="$why $2 $v < 90% of $d (direct);"
}
# same_outcome NAME: the data verified in both, or failed in both.
same_outcome() {
	v=$(rk "$1" vswap rc) d=$(rk "$1" direct rc)
	if [ "$v" = 1 ]; then why="$why data corrupted (vswap);"; fi
	if [ "$d" = 1 ]; then why="$why data corrupted (direct);"; fi
	if [ "$v" != 0 ] && [ "$d" = 0 ]; then why="$why vswap failed (rc $v) where direct ran (rc 0);"; fi
}
must_run() { # NAME MODE: the workload ran with its data verified
	r=$(rk "$1" "$2" rc)
	[ "$r" = 0 ] || why="$why $2: workload rc $r (1 corrupt, 2 ENOMEM, 137 OOM kill);"
}
must_be_idle() {
	[ "$(rk "$1" "$2" idle)" = yes ] ||
		why="$why $2: counters not back to idle after free ($(tr ' ' '\n' <"/tmp/parity.$1.$2" | grep -E '^(left_|dying)' | tr '\n' ' '));"
}

# common NAME MODE: what every run must show: no corrupted data, a setup
# that worked, a hold step that did its job (when the workload lived to
# run it), and every counter back to idle after free.
common() {
	r=$(rk "$1" "$2" rc) c=$(rk "$1" "$2" cmd_rc)
	case $r in
	1) why="$why $2: data corrupted;";;
	125) why="$why $2: setup failed;";;
	esac
	case $c in
	''|0) ;;
	*) why="$why $2: the hold step failed (status $c);";;
	esac
	must_be_idle "$1" "$2"
}

# check NAME: the rules of each scenario, vswap against direct.
check() {
	why=''
	common "$1" vswap
	common "$1" direct
	case $1 in
	mthp_zswap_refused|thp_zswap_refused|shmem_mthp_zswap_refused)
		must_run "$1" vswap; must_run "$1" direct
		at_least "$1" vm_pswpout; no_more "$1" vm_pgscan_anon;;
	nodev_mixed|nodev_cold_incompressible)
		# The promise: better than direct (which has no swap at all).
		must_run "$1" vswap
		[ "$(rk "$1" vswap cg_oom)" = 0 ] || why="$why OOM kill with vswap;";;
	zram_mixed)
		must_run "$1" vswap; same_outcome "$1";;
	memcg_zswap_max0_nodev)
		same_outcome "$1"; no_more "$1" vm_pgscan_anon
		[ "$(rk "$1" vswap vm_zswpout)" = 0 ] || why="$why zswpout with zswap.max=0;";;
	memcg_zswap_max0_disk|memcg_zswap_writeback0)
		must_run "$1" vswap; same_outcome "$1"
		no_more "$1" vm_pgscan_anon; no_more "$1" vm_workingset_refault_anon;;
	swap_max_writeback)
		same_outcome "$1"; no_more "$1" vm_workingset_refault_anon
		no_more "$1" vm_pgscan_anon;;
	deleted_cgroup)
		# All the dead cgroup had in zswap is written back (9/10).
		must_run "$1" vswap; same_outcome "$1"; at_least "$1" hold_zswpwb
		held=$(rk "$1" vswap held_zswap_pages) wb=$(rk "$1" vswap hold_zswpwb)
		[ $((wb * 10)) -ge $((held * 9)) ] && [ "$wb" -gt 0 ] ||
			why="$why $wb pages written back of $held in zswap;";;
	disk_readback)
		# Both read the pages back from the disk (half of them at
		# least), then compare.
		must_run "$1" vswap; same_outcome "$1"
		for m in vswap direct; do
			has "$1" "$m" r2_pswpin && [ "$(rk "$1" "$m" r2_pswpin)" -ge 8192 ] ||
				why="$why $m: read $(rk "$1" "$m" r2_pswpin) pages from the disk;"
		done
		no_more "$1" r2_stored; no_more "$1" r2_pgmajfault;;
	free_untouched)
		must_run "$1" vswap; must_run "$1" direct;;
	swapoff_under_load)
		must_run "$1" vswap; same_outcome "$1"
		[ "$(rk "$1" vswap cmd_rc)" = 0 ] || why="$why swapoff failed;"
		has "$1" vswap after_swap_current_kb &&
			[ "$(rk "$1" vswap after_swap_current_kb)" = "$(rk "$1" vswap b_used_kb)" ] ||
			why="$why swap.current $(rk "$1" vswap after_swap_current_kb) kB after swapoff, B holds $(rk "$1" vswap b_used_kb) kB;";;
	*) why="no rules for $1";;
	esac
	if [ -n "$why" ]; then tap_result fail "parity:$1" "$why"; else tap_result ok "parity:$1"; fi
}

ONLY='' SHORT=0
for arg in $(cat /proc/cmdline); do
	case $arg in
	wb.scenario=*) ONLY=$(echo "${arg#*=}" | tr ',' ' ');;
	wb.parity=short) SHORT=1;;
	esac
done
if [ -z "$ONLY" ] && [ "$SHORT" = 1 ]; then
	for sc in $SCENARIOS; do
		case " $KSELFTEST_TOO " in
		*" $sc "*) ;;
		*) ONLY="$ONLY $sc";;
		esac
	done
	tap "# wb.parity=short: not run here, the series kselftest checks them: $KSELFTEST_TOO"
fi

for sc in ${ONLY:-$SCENARIOS}; do
	for mode in $MODES; do
		run_mode "$sc" "$mode"
	done
	if [ "$MODES" = base ]; then
		# The reference: only what every run must show is judged.
		why=''
		common "$sc" base
		if [ -n "$why" ]; then tap_result fail "parity:$sc" "$why"; else tap_result ok "parity:$sc"; fi
	else
		check "$sc"
	fi
done
reset_all
[ "$MODES" = base ] || echo 1 >/sys/module/vswap/parameters/enabled
tap_end
