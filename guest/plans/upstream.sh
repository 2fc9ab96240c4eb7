# SPDX-License-Identifier: GPL-2.0
# Upstream kselftests that exercise swap (guest/selftests.list), each in the
# swap setup the list names.
. /guest/lib.sh
tap_begin
while read -r dir test setup args; do
	case $dir in ''|'#'*) continue;; esac
	if ! swap_setup "$setup"; then
		tap_result fail "$dir:$test" "swap setup $setup failed"
		continue
	fi
	# Tests look for their helpers next to themselves.
	# shellcheck disable=SC2086
	run_test "$dir:$test" sh -c "cd /selftests/$dir && ./$test $args"
done </guest/selftests.list
swap_reset
tap_end
