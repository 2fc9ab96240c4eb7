#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tap-summary.sh NAME=TAPFILE...: count the top-level results of TAP streams,
# list the failures, and end with the closing line "N passed, N failed,
# N skipped, N flaky".  "flaky" counts the passed tests that needed a rerun
# or had a failing run ("# flaky: NAME: ..." lines of guest/lib.sh), which
# are listed too.  Exits non-zero when anything failed or a stream is
# missing its plan line (a run that stopped half way).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# source_of "not ok N DIR:BINARY[:SUBTEST] ...": ", source: ..." for a
# kselftest's result (its .c file in the kernel tree), nothing otherwise.
source_of() {
	local t
	t=$(sed -n -E 's/^not ok [0-9]+ ([a-z]+):([A-Za-z0-9_-]+).*$/\1\/\2/p' <<<"$1")
	[ -n "$t" ] && [ -f "$LINUX/tools/testing/selftests/$t.c" ] &&
		echo ", source: ${LINUX#"$TOP"/}/tools/testing/selftests/$t.c"
	return 0
}

# subtests_of "not ok ...": the kselftest subtests a failure line names,
# "DIR:BINARY:SUBTEST" or "... subtest(s) failed in N run(s): A, B,".
subtests_of() {
	sed -n -E -e 's/^not ok [0-9]+ [a-z]+:[A-Za-z0-9_-]+:([^ ]+).*$/\1/p' \
		-e 's/^not ok [0-9]+ .* failed in [0-9]+ run\(s\): (.*)$/\1/p' <<<"$1" |
		tr ',' '\n' | sed 's/^ *//; /^$/d'
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
pass=0 fail=0 skip=0 flaky=0
failures=() flakes=()
for arg in "$@"; do
	name=${arg%%=*} file=${arg#*=}
	if [ ! -s "$file" ]; then
		fail=$((fail + 1)); failures+=("$name: no results (the run did not happen or printed nothing)")
		continue
	fi
	tap_results "$file" >"$tmp"
	p=$(grep -c -E '^ok ' "$tmp" || true)
	s=$(grep -c -E '^ok .*# SKIP' "$tmp" || true)
	f=$(grep -c -E '^not ok ' "$tmp" || true)
	pass=$((pass + p - s)); skip=$((skip + s)); fail=$((fail + f))
	while IFS= read -r line; do
		failures+=("$name: $line" "    log: ${file#"$TOP"/}$(source_of "$line")")
		# What the failed subtest printed, so that a CI log that keeps
		# only this summary still says why.
		while IFS= read -r sub; do
			while IFS= read -r out; do
				failures+=("    | $out")
			done < <(tap_subtest_output "$file" "$sub")
		done < <(subtests_of "$line")
	done < <(grep -E '^not ok ' "$tmp" || true)
	# One count per test, however many "# flaky:" lines it has.
	while IFS= read -r test; do
		flaky=$((flaky + 1)); flakes+=("$name: $test")
	done < <(tap_comment flaky "$file" | sed -n -E 's/^([^:]+:[^:]+): .*$/\1/p' | sort -u)
	if ! tap_has_plan "$file"; then
		fail=$((fail + 1)); failures+=("$name: the TAP stream ended early (no plan line)")
	fi
done

if [ "${#failures[@]}" -gt 0 ]; then
	echo "Failures:"
	printf '  %s\n' "${failures[@]}"
fi
if [ "${#flakes[@]}" -gt 0 ]; then
	echo "Flaky (passed, with a failing run; see '# flaky:' in the TAP log):"
	printf '  %s\n' "${flakes[@]}"
fi
line="$pass passed, $fail failed"
[ "$skip" = 0 ] && [ "$flaky" = 0 ] || line="$line, $skip skipped"
[ "$flaky" = 0 ] || line="$line, $flaky flaky"
echo "$line"
[ "$fail" = 0 ]
