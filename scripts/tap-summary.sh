#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tap-summary.sh NAME=TAPFILE...: count the top-level results of TAP streams,
# list the failures, and end with the closing line "N passed, N failed,
# N skipped".  Exits non-zero when anything failed or a stream is missing
# its plan line (a run that stopped half way).
set -euo pipefail

pass=0 fail=0 skip=0
failures=()
for arg in "$@"; do
	name=${arg%%=*} file=${arg#*=}
	if [ ! -s "$file" ]; then
		fail=$((fail + 1)); failures+=("$name: no results (the run did not happen or printed nothing)")
		continue
	fi
	# Top-level lines only: subtests are indented or '#'-prefixed.
	p=$(sed 's/\r$//' "$file" | grep -c -E '^ok [0-9]+ ' | tr -d ' ' || true)
	s=$(sed 's/\r$//' "$file" | grep -c -E '^ok [0-9]+ .*# SKIP' || true)
	f=$(sed 's/\r$//' "$file" | grep -c -E '^not ok [0-9]+ ' || true)
	pass=$((pass + p - s)); skip=$((skip + s)); fail=$((fail + f))
	while IFS= read -r line; do
		failures+=("$name: $line")
	done < <(sed 's/\r$//' "$file" | grep -E '^not ok [0-9]+ ' || true)
	if ! sed 's/\r$//' "$file" | grep -q -E '^1\.\.[0-9]+$'; then
		fail=$((fail + 1)); failures+=("$name: the TAP stream ended early (no plan line)")
	fi
done

if [ "${#failures[@]}" -gt 0 ]; then
	echo "Failures:"
	printf '  %s\n' "${failures[@]}"
fi
line="$pass passed, $fail failed"
[ "$skip" = 0 ] || line="$line, $skip skipped"
echo "$line"
[ "$fail" = 0 ]
