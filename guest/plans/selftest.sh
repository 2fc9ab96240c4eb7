# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Workbench self-check: the guest, the swap setups and usemem's verification
# work, on any kernel.  Data is verified byte by byte in every case.
. /guest/lib.sh
tap_begin

ram=$(mem_total_mb)
# Each setup is shown to swap with MADV_PAGEOUT (-P, the expect_moved
# checks): under TCG a pass through reclaim pressure costs 40 s (as
# much as RAM) to 300 s (1.5x RAM) a setup and proves no more.  One run
# under pressure stays (usemem_4procs); the 1.5x RAM claim is the series
# plan's (zswap_over_ram).

# usemem must notice a corrupted byte, or none of the other results mean anything.
say "usemem self-test: one flipped byte must be reported"
if usemem -s 16 -X >/tmp/x.out 2>&1; then
	sed 's/^/# /' /tmp/x.out >&3
	tap_result fail usemem_detects_corruption "usemem did not notice a flipped byte"
else
	tap_result ok usemem_detects_corruption
fi

# expect_counter NAME VMSTAT_KEY BEFORE: the counter must have moved.
expect_moved() {
	after=$(vmstat "$2")
	if [ "${after:-0}" -gt "$3" ]; then
		tap_result ok "$1" 
	else
		tap_result fail "$1" "$2 did not move ($3 -> ${after:-none})"
	fi
}

swap_setup zswap-disk || tap_result fail zswap_disk_setup
zs=$(vmstat zswpout); ps=$(vmstat pswpout)
run_test usemem_pageout_zswap_disk usemem -s 128 -P
expect_moved zswap_disk_used_zswap zswpout "$zs"

swap_setup disk || tap_result fail disk_setup
ps=$(vmstat pswpout)
run_test usemem_pageout_disk usemem -s 256 -P
expect_moved disk_used_disk pswpout "$ps"

swap_setup zram || tap_result fail zram_setup
ps=$(vmstat pswpout)
run_test usemem_pageout_zram usemem -s 128 -P
expect_moved zram_used_zram pswpout "$ps"

swap_setup zswap-disk
run_test usemem_zero_pageout usemem -s 128 -z -P
run_test usemem_thp_pageout usemem -s 128 -t -P
run_test usemem_shmem_pageout usemem -s 128 -S -P
run_test usemem_fork_cow_pageout usemem -s 128 -f -P
run_test usemem_4procs usemem -s "$ram" -n 4 -r 20

swap_reset
tap_end
