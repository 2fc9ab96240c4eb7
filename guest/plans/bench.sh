# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# One benchmark run of `make bench` (scripts/run-bench.sh): one scenario on
# one swap backend, every byte of data verified.  Parameters come from the
# kernel command line:
#   wb.scenario=usemem|memhog|build|zero|swapoff|metadata
#                    (for debugging, a comma-separated list runs several in
#                    one boot; SCENARIO:MiB sets that one's wb.size_mb)
#   wb.backend=zswap-disk|zswap-only|disk|zram   wb.comp=zstd|lzo|lz4|...
#   wb.size_mb=N     workload size in MiB (usemem, memhog, zero), or the
#                    size held swapped out (swapoff, metadata)
#   wb.box_mb=N      run usemem/memhog/zero in a memory cgroup with
#                    memory.max=N MiB (0 or absent: no cgroup, global reclaim)
#   wb.swap_mb=N     zram disksize in MiB (default 2x RAM)
#   wb.jobs= wb.procs= wb.min_mb= wb.max_mb= wb.memmax_mb=
#                    build: workers at once, workers in all, worker size
#                    range, memory.max of the build cgroup
# For each scenario, fd 3 (TAP) gets one line
#   # bench: scenario=.. backend=.. comp=.. <metrics> result=R verified=yes|no
# with R = ok (all data verified), oom (ENOMEM, OOM kill, or no swap space
# to swap out to), corrupt (wrong data) or error (anything else), and one
# TAP result: "ok N bench SCENARIO BACKEND/COMP" when the data verified,
# else "not ok N bench SCENARIO BACKEND/COMP # reason", the reason starting
# with "fail (ENOMEM/OOM):", "CORRUPT:" or "error:".
. /guest/lib.sh
tap_begin

SCENARIOS='' BACKEND='' COMP=zstd SIZE_MB='' BOX_MB=0 SWAP_MB=''
JOBS=8 PROCS=64 MIN_MB=32 MAX_MB=64 MEMMAX_MB=256
for arg in $(cat /proc/cmdline); do
	case $arg in
	wb.scenario=*) SCENARIOS=${arg#*=};;
	wb.backend=*) BACKEND=${arg#*=};;
	wb.comp=*) COMP=${arg#*=};;
	wb.size_mb=*) SIZE_MB=${arg#*=};;
	wb.box_mb=*) BOX_MB=${arg#*=};;
	wb.swap_mb=*) SWAP_MB=${arg#*=};;
	wb.jobs=*) JOBS=${arg#*=};;
	wb.procs=*) PROCS=${arg#*=};;
	wb.min_mb=*) MIN_MB=${arg#*=};;
	wb.max_mb=*) MAX_MB=${arg#*=};;
	wb.memmax_mb=*) MEMMAX_MB=${arg#*=};;
	esac
done
RAM_MB=$(mem_total_mb)
SWAP_MB=${SWAP_MB:-$((RAM_MB * 2))}
SIZE_MB=${SIZE_MB:-$RAM_MB}
CG=/sys/fs/cgroup
OUT=/tmp/bench.out

meminfo() { awk -v k="$1:" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' "${2:-/proc/meminfo}"; }

# The result line is built up in $LINE; $RESULT and $REASON are the verdict.
kv() { LINE="$LINE $1=$2"; }
verdict() { RESULT=$1; REASON=$2; }

# Value of KEY in a "usemem: ..." / "buildload: ..." line of $OUT.
outkey() { sed -n "s/^[a-z]*:.* $1=\([^ ]*\).*/\1/p" "$OUT" | head -n 1; }
# The same, as an integer for $(( )): 0 when absent.
outnum() { v=$(outkey "$1"); echo "${v%%.*}" | sed 's/^$/0/'; }
# Copy these keys of $OUT into the result line.
outkeys() { for k in "$@"; do kv "$k" "$(outkey "$k")"; done; }
# MiB/s-style throughput in KB/s: SIZE_MB over MS milliseconds.
kbps() { awk -v mb="$1" -v ms="$2" 'BEGIN { if (ms > 0) printf "%.0f", mb * 1024 * 1000 / ms; else print 0 }'; }

VMKEYS="pswpin pswpout zswpin zswpout zswpwb swpin_zero swpout_zero pgmajfault oom_kill"
vm_before() { for k in $VMKEYS; do eval "vm0_$k=\$(vmstat $k)"; done; }
vm_deltas() {
	for k in $VMKEYS; do
		eval "b=\${vm0_$k:-0}"
		a=$(vmstat "$k")
		kv "vm_$k" "$(( ${a:-0} - ${b:-0} ))"
	done
}

# Classify a workload's exit status (usemem and buildload share the codes).
classify() { # rc what
	case $1 in
	0) verdict ok "";;
	1) verdict corrupt "CORRUPT: $2 saw wrong data: $(grep -m 1 -E 'got|CORRUPT' "$OUT" || echo "exit 1")";;
	2) verdict oom "fail (ENOMEM/OOM): $(grep -m 1 -E 'failed|killed|ENOMEM' "$OUT" || echo "$2 exit 2")";;
	137) verdict oom "fail (ENOMEM/OOM): $2 was killed (SIGKILL, OOM killer)";;
	*) verdict error "error: $2 exit $1: $(tail -n 1 "$OUT")";;
	esac
}

setup_backend() {
	swap_reset
	case $BACKEND in
	zswap-disk)
		swap_disk_on || return 1
		zswap_enable "$COMP";;
	zswap-only)
		zswap_enable "$COMP";;
	disk)
		swap_disk_on || return 1;;
	zram)
		swap_zram_on "${SWAP_MB}M" "$COMP" || return 1;;
	*) say "unknown backend '$BACKEND'"; return 1;;
	esac
	case $BACKEND in
	zswap-*)
		[ "$(cat /sys/module/zswap/parameters/enabled)" = Y ] || { say "zswap is not enabled"; return 1; }
		[ "$(cat /sys/module/zswap/parameters/compressor)" = "$COMP" ] ||
			{ say "zswap compressor is $(cat /sys/module/zswap/parameters/compressor), not $COMP"; return 1; };;
	zram)
		grep -q "\[$COMP\]" /sys/block/zram0/comp_algorithm ||
			{ say "zram compressor is not $COMP: $(cat /sys/block/zram0/comp_algorithm)"; return 1; };;
	esac
}

swap_device() {
	case $BACKEND in
	zswap-disk|disk) echo "$SWAPDISK";;
	zram) echo /dev/zram0;;
	esac
}

# in_cgroup NAME MAX_MB CMD...: run CMD in a fresh memory cgroup (no limit
# when MAX_MB is 0); its output goes to $OUT.  Returns CMD's status.
in_cgroup() {
	name=$1 max=$2; shift 2
	echo +memory >"$CG/cgroup.subtree_control" 2>/dev/null
	rmdir "$CG/$name" 2>/dev/null
	mkdir "$CG/$name" || return 125
	if [ "$max" -gt 0 ]; then
		echo "${max}M" >"$CG/$name/memory.max" || return 125
	fi
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG/$name" "$@" >"$OUT" 2>&1
}

# Memory-cgroup events of the last in_cgroup run.
cg_events() { # name
	kv cg_oom_kill "$(awk '$1 == "oom_kill" { print $2 }' "$CG/$1/memory.events" 2>/dev/null || echo 0)"
	kv cg_max_events "$(awk '$1 == "max" { print $2 }' "$CG/$1/memory.events" 2>/dev/null || echo 0)"
}

# usemem-based scenarios: OPTS for usemem, in the box cgroup.
run_usemem() { # opts...
	in_cgroup bench "$BOX_MB" usemem -s "$SIZE_MB" "$@"
	rc=$?
	classify "$rc" usemem
	outkeys fill_ms verify_ms free_ms wall_ms user_ms sys_ms fill_kbps bad_pages
	kv verify_kbps "$(kbps "$SIZE_MB" "$(outkey verify_ms)")"
	cg_events bench
}

scenario_usemem() { run_usemem -r 10; }	# fill, re-read every byte, free
scenario_memhog() { run_usemem; }		# touch once (fill_ms), verify once
scenario_zero() { run_usemem -z; }		# zero-filled pages

scenario_build() {
	in_cgroup build "$MEMMAX_MB" buildload -j "$JOBS" -n "$PROCS" -m "$MIN_MB" -M "$MAX_MB"
	rc=$?
	classify "$rc" buildload
	kv jobs "$JOBS"; kv procs "$PROCS"; kv min_mb "$MIN_MB"; kv max_mb "$MAX_MB"; kv memmax_mb "$MEMMAX_MB"
	outkeys total_mb wall_ms user_ms sys_ms
	for k in ok corrupt oom failed; do kv "workers_$k" "$(outkey "$k")"; done
	if [ "$RESULT" = oom ]; then
		verdict oom "fail (ENOMEM/OOM): $(outkey oom) of $PROCS workers were OOM-killed or got ENOMEM"
	fi
	cg_events build
}

# Hold SIZE_MB swapped out (MADV_PAGEOUT) and time swapoff of the device
# that backs it; then every byte is verified.
scenario_swapoff() {
	dev=$(swap_device)
	if [ -z "$dev" ]; then
		verdict error "error: swapoff needs a swap device; backend $BACKEND has none"
		return
	fi
	usemem -s "$SIZE_MB" -P -x "swapoff $dev" >"$OUT" 2>&1
	rc=$?
	classify "$rc" usemem
	outkeys fill_ms verify_ms wall_ms sys_ms bad_pages hold_swap_kb hold_rss_kb cmd_rc
	kv swapoff_ms "$(outkey cmd_ms)"
	kv swapped_mb "$(( $(outnum hold_swap_kb) / 1024 ))"
	check_swapped_out
	if [ "$RESULT" = ok ] && [ "$(outnum cmd_rc)" != 0 ]; then
		verdict oom "fail (ENOMEM/OOM): swapoff $dev exited $(outkey cmd_rc): $(grep -m 1 swapoff "$OUT")"
	fi
}

# A hold that did not swap out is a failure: no swap space to swap out to.
check_swapped_out() {
	sw=$(outnum hold_swap_kb)
	if [ "$RESULT" = ok ] && [ "$sw" -lt $((SIZE_MB * 1024 / 2)) ]; then
		verdict oom "fail (ENOMEM/OOM): MADV_PAGEOUT swapped out only $((sw / 1024)) of $SIZE_MB MiB (no swap space)"
	fi
}

# /tmp/snap.sh N: what metadata saves, N=0 before, N=1 while swapped out.
write_snap_script() {
	cat >/tmp/snap.sh <<'EOF'
cat /proc/meminfo >/tmp/meminfo.$1
# Free pages on the per-cpu lists are not in MemFree: count them as free.
awk '$1 == "count:" { n += $2 } END { printf "PcpFree: %d kB\n", n * 4 }' /proc/zoneinfo >>/tmp/meminfo.$1
cat /sys/block/zram0/mm_stat >/tmp/zram.$1 2>/dev/null
: >/tmp/vswap.$1
for f in /sys/kernel/debug/vswap/*; do
	[ -f "$f" ] || continue
	echo "$(basename "$f") $(head -c 200 "$f" | tr '\n' ' ')" >>/tmp/vswap.$1
done
EOF
}

# Compressors allocate some per-CPU state on the first compression on
# each CPU (zstd's acomp streams: ~2 MiB of slab).  Swap a little out from
# every CPU first, so that snapshot 0 already holds it and the delta is
# what the swapped pages cost, whichever CPUs compressed them.
warm_compressors() {
	ncpu=$(grep -c '^processor' /proc/cpuinfo)
	cpu=0
	while [ "$cpu" -lt "$ncpu" ]; do
		if ! taskset -c "$cpu" usemem -s 8 -P >/dev/null 2>&1; then
			echo "# warm-up on CPU $cpu failed" >&2
		fi
		cpu=$((cpu + 1))
	done
}

# Kernel memory per swapped page: meminfo after usemem filled SIZE_MB
# (resident) and again once they are swapped out (MADV_PAGEOUT), same
# process, same page tables.
#   named: delta of Slab + KernelStack + Percpu + VmallocUsed, the kernel
#          memory that meminfo names (page tables are left out: a PTE
#          exists whether its page is swapped or not);
#   all:   delta of all memory that is neither free (MemFree, per-cpu
#          lists), nor on the LRU, nor page tables, minus the compressed
#          pool (zswap's Zswap, zram's mem_used_total): it adds unnamed page
#          allocations (swap tables, ...) to "named", and some noise.
scenario_metadata() {
	write_snap_script
	warm_compressors
	rm -f /tmp/meminfo.[01] /tmp/zram.[01] /tmp/vswap.[01]
	usemem -s "$SIZE_MB" -B "sh /tmp/snap.sh 0" -P -x "sh /tmp/snap.sh 1" >"$OUT" 2>&1
	rc=$?
	classify "$rc" usemem
	outkeys hold_swap_kb hold_rss_kb
	check_swapped_out
	[ "$RESULT" = ok ] || return
	pages=$(( $(outnum hold_swap_kb) / 4 ))
	named() { echo $(( $(meminfo Slab "$1") + $(meminfo KernelStack "$1") + $(meminfo Percpu "$1") + $(meminfo VmallocUsed "$1") )); }
	nonlru() { echo $(( $(meminfo MemTotal "$1") - $(meminfo MemFree "$1") - $(meminfo PcpFree "$1") - $(meminfo Active "$1") - $(meminfo Inactive "$1") - $(meminfo Unevictable "$1") - $(meminfo PageTables "$1") - $(meminfo SecPageTables "$1") )); }
	pool() { # kB of compressed pool
		if [ "$BACKEND" = zram ] && [ -s "$2" ]; then
			awk '{ printf "%d", $3 / 1024 }' "$2"
		elif [ "$BACKEND" = zram ]; then
			echo 0
		else
			meminfo Zswap "$1"
		fi
	}
	m0=/tmp/meminfo.0 m1=/tmp/meminfo.1
	if [ ! -s "$m0" ] || [ ! -s "$m1" ]; then
		verdict error "error: no meminfo snapshot before and while held"
		return
	fi
	d_named=$(( $(named $m1) - $(named $m0) ))
	d_pool=$(( $(pool $m1 /tmp/zram.1) - $(pool $m0 /tmp/zram.0) ))
	d_other=$(( $(nonlru $m1) - $(nonlru $m0) - d_named - d_pool ))
	kv swapped_pages "$pages"
	kv d_named_kb "$d_named"; kv d_other_kb "$d_other"; kv d_pool_kb "$d_pool"
	for k in Slab SUnreclaim PageTables Percpu VmallocUsed Zswap Zswapped SwapCached PcpFree; do
		kv "d_$(echo "$k" | tr '[:upper:]' '[:lower:]')_kb" "$(( $(meminfo "$k" $m1) - $(meminfo "$k" $m0) ))"
	done
	kv d_swapused_kb "$(( $(meminfo SwapTotal $m1) - $(meminfo SwapFree $m1) - $(meminfo SwapTotal $m0) + $(meminfo SwapFree $m0) ))"
	kv bpp_named "$(( d_named * 1024 / pages ))"
	kv bpp_all "$(( (d_named + d_other) * 1024 / pages ))"
	kv bpp_pool "$(( d_pool * 1024 / pages ))"
	# vswap's metadata as the kernel counts it (debugfs metadata_bytes:
	# swap table, virtual table, memcg table and struct of every vswap
	# cluster), per swapped page: a part of "all".
	vs0=$(awk '$1 == "metadata_bytes" { print $2 }' /tmp/vswap.0)
	vs1=$(awk '$1 == "metadata_bytes" { print $2 }' /tmp/vswap.1)
	if [ -n "$vs0" ] && [ -n "$vs1" ]; then
		kv bpp_vswap "$(awk -v a="$vs0" -v b="$vs1" -v p="$pages" 'BEGIN { printf "%.1f", (b - a) / p }')"
	fi
	# vswap's own counters, when the kernel has them (numbers only).
	while read -r name value rest; do
		case $value in ''|*[!0-9]*) continue;; esac
		[ -z "$rest" ] || continue
		kv "vswap_$(echo "$name" | tr -c 'a-zA-Z0-9_\n' '_')" "$value"
	done </tmp/vswap.1
}

# Scenario-independent settings: the same for every kernel, so only the
# kernel differs.  overcommit 1: a large mmap is never refused up front on
# a kernel that does not count its swap space, the workload meets the real
# limit (swap-out) instead.
echo 1 >/proc/sys/vm/overcommit_memory
say "bench: scenarios '$SCENARIOS', backend $BACKEND/$COMP, ${SIZE_MB} MiB, RAM ${RAM_MB} MiB, box ${BOX_MB} MiB"

DEFAULT_SIZE_MB=$SIZE_MB
for scen in $(echo "$SCENARIOS" | tr ',' ' '); do
	SIZE_MB=$DEFAULT_SIZE_MB
	case $scen in *:*) SIZE_MB=${scen#*:}; scen=${scen%%:*};; esac
	LINE="" RESULT=error REASON="error: did not run"
	: >"$OUT"
	kv scenario "$scen"; kv backend "$BACKEND"; kv comp "$COMP"
	kv kver "$(uname -r)"; kv ram_mb "$RAM_MB"; kv size_mb "$SIZE_MB"; kv box_mb "$BOX_MB"
	if ! setup_backend >/tmp/setup.out 2>&1; then
		verdict error "error: backend $BACKEND/$COMP could not be set up: $(tail -n 1 /tmp/setup.out)"
	else
		for p in max_pool_percent accept_threshold_percent shrinker_enabled; do
			f=/sys/module/zswap/parameters/$p
			[ -f "$f" ] && kv "zswap_$p" "$(cat "$f")"
		done
		vm_before
		start=$(awk '{ print $1 }' /proc/uptime)
		case $scen in
		usemem|memhog|zero|build|swapoff|metadata) "scenario_$scen";;
		*) verdict error "error: unknown scenario '$scen'";;
		esac
		kv run_s "$(awk -v s="$start" '{ printf "%.1f", $1 - s }' /proc/uptime)"
		vm_deltas
		sed 's/^/# /' "$OUT" >&3
	fi
	kv result "$RESULT"
	if [ "$RESULT" = ok ]; then kv verified yes; else kv verified no; fi
	tap "# bench:$LINE"
	say "bench:$LINE"
	case $RESULT in
	ok) tap_result ok "bench $scen $BACKEND/$COMP";;
	*) tap_result fail "bench $scen $BACKEND/$COMP" "$REASON";;
	esac
done
swap_reset
tap_end
