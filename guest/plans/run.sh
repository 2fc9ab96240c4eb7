# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The main job (`make run`): zswap on, no swap device at all, a workload of
# 1.5x RAM with every byte verified; then a report of where pages went.
. /guest/lib.sh
tap_begin

report() { tap "# report: $*"; }
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

ram=$(mem_total_mb)
size=${RUN_SIZE_MB:-$((ram * 3 / 2))}
swap_setup zswap-only || { tap_result fail setup "could not enable zswap"; tap_end; exit 1; }

keys="pswpout pswpin zswpout zswpin zswpwb swpout_zero swpin_zero thp_swpout thp_swpout_fallback oom_kill"
for k in $keys; do eval "before_$k=\$(vmstat $k)"; done

# Sample the zswap pool while the workload runs: its peak is the saving.
( peak_pool=0 peak_stored=0
  while [ ! -e /tmp/run.done ]; do
	p=$(meminfo Zswap); s=$(meminfo Zswapped)
	[ "${p:-0}" -gt "$peak_pool" ] && peak_pool=$p
	[ "${s:-0}" -gt "$peak_stored" ] && peak_stored=$s
	echo "$peak_pool $peak_stored" >/tmp/run.peak
	sleep 1
  done ) &
sampler=$!

say "workload: usemem -s $size (RAM ${ram} MiB), zswap only, no swap device"
start=$(date +%s)
usemem -s "$size" -r 10 >/tmp/usemem.out 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
touch /tmp/run.done
wait "$sampler"

report "kernel: $(uname -r)"
report "setup: zswap enabled ($(cat /sys/module/zswap/parameters/compressor)), swap devices: $(($(wc -l </proc/swaps) - 1)), SwapTotal $(meminfo SwapTotal) kB, RAM ${ram} MiB"
report "workload: ${size} MiB (10% incompressible pages), ${secs}s"
while IFS= read -r line; do report "$line"; done </tmp/usemem.out
for k in $keys; do
	eval "b=\$before_$k"
	a=$(vmstat "$k")
	[ -n "$a" ] && report "vmstat $k: $((a - ${b:-0}))"
done
read -r peak_pool peak_stored </tmp/run.peak || true
report "zswap peak: ${peak_stored:-0} kB stored in a ${peak_pool:-0} kB pool (saved $(( ${peak_stored:-0} - ${peak_pool:-0} )) kB)"
if [ -d /sys/kernel/debug/vswap ]; then
	for f in /sys/kernel/debug/vswap/*; do
		[ -f "$f" ] && report "vswap $(basename "$f"): $(cat "$f")"
	done
else
	report "vswap: no /sys/kernel/debug/vswap (this kernel has no vswap counters)"
fi

case $rc in
0) tap_result ok "every byte of ${size} MiB came back through zswap without a swap device";;
1) tap_result fail "data came back CORRUPTED";;
*) tap_result fail "the workload could not run: $(grep -m1 -E 'failed|killed' /tmp/usemem.out || echo "usemem exit $rc") (killed or ENOMEM: zswap without a swap device)";;
esac
swap_reset
tap_end
