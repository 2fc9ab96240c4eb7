# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Upstream kselftests that exercise swap (guest/selftests.list), each in the
# swap setup the list names.
. /guest/lib.sh
tap_begin
while read -r dir test setup args; do
	case $dir in ''|'#'*) continue;; esac
	# Start each test from settled memory: THP tests need free PMD blocks.
	settle_memory
	if ! swap_setup "$setup"; then
		tap_result fail "$dir:$test" "swap setup $setup failed"
		continue
	fi
	# Run from the ext4 scratch disk: some tests need a real filesystem
	# for their page cache.
	# shellcheck disable=SC2086
	run_kselftest "$dir:$test${args:+ $args}" sh -c "cd /scratch && /selftests/$dir/$test $args"
done </guest/selftests.list
swap_reset
tap_end
