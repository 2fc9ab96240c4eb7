#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the kselftests the guest runs, statically linked, from build/linux
# (the series' own tests and the upstream ones we hold vswap to) into
# build/selftests/<dir>/<test>.  The list is guest/selftests.list.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

LIST=$TOP/guest/selftests.list
OUT=$BUILD/selftests
HDR=$BUILD/headers
SELFTESTS=$LINUX/tools/testing/selftests
[ -d "$SELFTESTS" ] || die "no kernel tree at $LINUX: run 'make tree' first"
mkdir -p "$OUT" "$LOGS"

log "installing uapi headers into build/headers"
run_logged "$LOGS/headers.log" make -C "$LINUX" O="$HDR" ARCH=x86_64 -s headers_install

# guest/selftests.list: "<dir> <test> <setup> [args...]"; build each <dir>/<test>.
# guest/series-tests.list (same format): the series' own tests, built when
# the tree has them (a base tree does not).
declare -A want=()
while read -r dir test _; do
	case $dir in ''|'#'*) continue;; esac
	want[$dir]+=" $OUT/$dir/$test"
done <"$LIST"
while read -r dir test _; do
	case $dir in ''|'#'*) continue;; esac
	if [ -f "$SELFTESTS/$dir/$test.c" ]; then
		want[$dir]+=" $OUT/$dir/$test"
	else
		vlog "series test $dir/$test is not in this tree: not built"
	fi
done <"$TOP/guest/series-tests.list"

for dir in "${!want[@]}"; do
	mkdir -p "$OUT/$dir"
	log "building selftests/$dir:${want[$dir]//$OUT\/$dir\//}"
	# shellcheck disable=SC2086
	run_logged "$LOGS/selftests-$dir.log" make -C "$SELFTESTS/$dir" -j"$(nproc_build)" \
		OUTPUT="$OUT/$dir" KHDR_INCLUDES="-isystem $HDR/usr/include" \
		LDFLAGS=-static ${want[$dir]}
	for t in ${want[$dir]}; do
		[ -x "$t" ] || die "selftest $t was not built (see build/logs/selftests-$dir.log)"
		file "$t" | grep -q 'statically linked' || die "selftest $t is not statically linked"
	done
done
