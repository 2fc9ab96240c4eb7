# shellcheck shell=sh
# Temporary: check the WIP vswap device (zero pages, no swap device).
. /guest/lib.sh
tap_begin
swap_setup none
dmesg | grep -i vswap | sed 's/^/# /' >&3
zo=$(vmstat swpout_zero); zi=$(vmstat swpin_zero)
run_test vswap_zero_pageout_noswap usemem -s 256 -z -P -p 2
a=$(vmstat swpout_zero); b=$(vmstat swpin_zero)
tap "# swpout_zero $zo -> $a, swpin_zero $zi -> $b"
if [ "$a" -gt "$zo" ]; then tap_result ok zero_pages_went_to_vswap; else tap_result fail zero_pages_went_to_vswap; fi
run_test vswap_nonzero_pageout_noswap usemem -s 128 -P
run_test vswap_zero_thp usemem -s 128 -z -t -P
run_test vswap_zero_fork usemem -s 128 -z -f -P
tap_end
