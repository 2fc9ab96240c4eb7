#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# compare-skips.sh NAME TAP REFERENCE-TAP: one TAP result, NAME, that fails
# when a kselftest subtest skipped itself in TAP (the guest of a kernel
# under test) but not in REFERENCE-TAP (the same plan on the reference
# kernel, in the same `make test`).  A skip is neither a pass nor a
# failure: a subtest that skips only on the kernel under test may hide a
# regression (a feature it looks for went missing), so it must show.
# Subtests that skip on both kernels are named in a comment.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 3 ] || die "usage: $0 NAME TAP REFERENCE-TAP"
name=$1 tap=$2 ref=$3
for f in "$tap" "$ref"; do
	[ -s "$f" ] || { printf 'TAP version 13\nnot ok 1 %s # no TAP log %s\n1..1\n' "$name" "$f"; exit 0; }
done
only=$(comm -23 <(tap_nested_skips "$tap" | sort -u) <(tap_nested_skips "$ref" | sort -u))
both=$(comm -12 <(tap_nested_skips "$tap" | sort -u) <(tap_nested_skips "$ref" | sort -u))
echo "TAP version 13"
if [ -n "$both" ]; then
	sed 's/^/# skipped on both kernels: /; s/\t/: /' <<<"$both"
fi
if [ -n "$only" ]; then
	sed 's/^/# skipped only on the kernel under test: /; s/\t/: /' <<<"$only"
	echo "not ok 1 $name # $(wc -l <<<"$only") subtest(s) skipped only on the kernel under test"
else
	echo "ok 1 $name"
fi
echo "1..1"
