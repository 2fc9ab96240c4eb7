# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Upstream kselftests that exercise swap (guest/selftests.list), each in the
# swap setup the list names.  khugepaged runs first: it needs PMD-sized
# pages, which are easiest to get early.
. /guest/lib.sh
tap_begin
run_kselftest_list /guest/selftests.list
tap_end
