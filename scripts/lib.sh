# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034
# Shared helpers for the workbench scripts.  Sourced, never executed.
# Every script that sources this runs with `set -euo pipefail`.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
LINUX=${LINUX:-$BUILD/linux}
LOGS=${LOGS:-$BUILD/logs}

# The pinned base: Debian's linux-source-7.2 package.
BASE_PKG=linux-source-7.2
BASE_VERSION=7.2.13-1
BASE_DEB=${BASE_PKG}_${BASE_VERSION}_all.deb
BASE_SHA256=30a8c5fc63f9028a62e6d7b3f7f43bee67425dbce2a05fceba83f9b87c92083d
SHARED_BASE=${SHARED_BASE:-$TOP/../shared/base}

log() { printf '==> %s\n' "$*" >&2; }
vlog() { if [ "${V:-0}" = 1 ]; then printf '    %s\n' "$*" >&2; fi; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run a noisy command; its output goes to a log file unless V=1, and the
# tail of that log is shown if it fails.
run_logged() {
	local logfile=$1; shift
	mkdir -p "$(dirname "$logfile")"
	if [ "${V:-0}" = 1 ]; then
		"$@" 2>&1 | tee "$logfile"
		return "${PIPESTATUS[0]}"
	fi
	if ! "$@" >"$logfile" 2>&1; then
		printf 'error: command failed: %s\n' "$*" >&2
		printf -- '--- last 40 lines of %s ---\n' "$logfile" >&2
		tail -n 40 "$logfile" >&2
		return 1
	fi
}

nproc_build() { nproc 2>/dev/null || echo 2; }

# guest_tap NAME RC RUNDIR: the TAP of the guest itself, from
# run-guest.sh's exit status RC (0 or 1: it ran cleanly; 2: crash, hang
# or splat, RUNDIR/status says which).
guest_tap() {
	echo "TAP version 13"
	if [ "$2" -le 1 ]; then
		echo "ok 1 guest:$1 clean exit, no kernel splat"
	else
		echo "not ok 1 guest:$1 (status $(cat "$3/status" 2>/dev/null || echo none)$([ -f "$3/splat" ] && echo ", $(cat "$3/splat")"); see ${3#"$TOP"/}/console.log)"
	fi
	echo "1..1"
}

# Debian unstable through a private apt configuration under build/apt (the
# system's apt sources are not touched), for what the stable release is
# too old to have: sets UNSTABLE_APT, the options to give apt-get and
# apt-cache, and updates the package lists (once a day).  The mirror is
# the one the system already uses for Debian, so that this works wherever
# apt does.  Fails if there is no such mirror or it cannot be reached.
unstable_apt() {
	local apt=$BUILD/apt uri key=/usr/share/keyrings/debian-archive-keyring.gpg
	uri=$(grep -h -E '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources \
		/etc/apt/sources.list 2>/dev/null |
		grep -v -e security -e nodesource -e cloud |
		sed -E 's/^URIs: *//; s/^deb +(\[[^]]*\] +)?//; s/ .*//' |
		grep -m1 '/debian$' || true)
	[ -n "$uri" ] || return 1
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc"
	printf 'deb [signed-by=%s] %s unstable main\ndeb-src [signed-by=%s] %s unstable main\n' \
		"$key" "$uri" "$key" "$uri" >"$apt/etc/sources.list"
	UNSTABLE_APT=(-o "Dir::Etc::SourceList=$apt/etc/sources.list"
		-o "Dir::Etc::SourceParts=/nonexistent"
		-o "Dir::State::Lists=$apt/lists"
		-o "Dir::Cache=$apt/cache"
		-o "Debug::NoLocking=1")
	if [ -z "$(find "$apt/lists" -maxdepth 1 -name '*Sources*' -mmin -1440 2>/dev/null)" ]; then
		log "updating the package lists of Debian unstable (build/apt)"
		apt-get "${UNSTABLE_APT[@]}" -q update >"$apt/update.log" 2>&1 || return 1
	fi
}

# build_diagnostics LOG FILES: the warnings and errors of a W=1/sparse build
# log that count.  Every compiler diagnostic counts (gcc names its option,
# "[-W...]", or says "error:" with a file of the tree); a sparse one only
# if it is in a file the series changes (FILES: one path per line, from
# `git diff --name-only`): sparse also trips over base headers (0.6.5~rc1:
# "too long token expansion" in include/trace/events/vmscan.h).
build_diagnostics() {
	local log=$1 files=$2 patterns
	patterns=$(sed 's#^#/#; s#$#:#' "$files")
	grep -E 'warning:|error:' "$log" | while IFS= read -r line; do
		case $line in
		*'[-W'*) printf '%s\n' "$line";;
		*) if grep -qF -e "$patterns" <<<"$line"; then
			printf '%s\n' "$line"
		   fi;;
		esac
	done || true
}

# The one reader of the guests' TAP streams (RUNDIR/tap.log: the serial
# port, so lines may end in CR).  tap_results FILE: the top-level result
# lines ("ok N ..." / "not ok N ..."; subtests are indented or '#'-prefixed).
# tap_comment KEY FILE: what follows "# KEY: " on the top-level comment
# lines.  tap_has_plan FILE: the stream has its plan line "1..N" (it did
# not stop half way).  A missing FILE reads as empty.
tap_lines() { if [ -f "$1" ]; then sed 's/\r$//' "$1"; fi; }
tap_results() { tap_lines "$1" | grep -E '^(not )?ok [0-9]+ ' || true; }
tap_comment() { tap_lines "$2" | sed -n "s/^# $1: //p"; }
# awk reads to the end: grep -q would stop early and, under pipefail, make
# sed's SIGPIPE look like a missing plan.
tap_has_plan() { tap_lines "$1" | awk '/^1\.\.[0-9]+$/ { f = 1 } END { exit !f }'; }
# tap_nested_skips FILE: "KSELFTEST<TAB>SUBTEST" for each subtest skipped
# inside a kselftest's output ("# ok N # SKIP what" as kselftest.h prints
# it, or "# ok N what # SKIP why"), KSELFTEST being the name on the
# top-level result line that follows; each pair once.
tap_nested_skips() {
	tap_lines "$1" | awk '
		/^# (# )*ok [0-9]+ .*# SKIP/ {
			line = $0
			sub(/^# (# )*ok [0-9]+ /, "", line)
			if (line ~ /^# SKIP/)
				sub(/^# SKIP */, "", line)
			else
				sub(/ *# SKIP.*$/, "", line)
			skips[n++] = line
			next
		}
		/^(not )?ok [0-9]+ / {
			name = $0
			sub(/^(not )?ok [0-9]+ /, "", name)
			sub(/ .*$/, "", name)
			for (i = 0; i < n; i++)
				if (!seen[name "\t" skips[i]]++)
					print name "\t" skips[i]
			n = 0
		}'
}

# tap_subtest_output FILE SUBTEST: the output of the last failed run of
# kselftest subtest SUBTEST in FILE (the '#'-prefixed lines between its
# "# not ok N SUBTEST" result and the result before it), at most 12 lines.
tap_subtest_output() {
	tap_lines "$1" | awk -v want="$2" '
		/^(not )?ok [0-9]+ / { n = 0; next }
		/^# (# )*(not )?ok [0-9]+ / {
			line = $0
			sub(/^# (# )*/, "", line)
			failed = line ~ /^not ok/
			sub(/^(not )?ok [0-9]+ /, "", line)
			sub(/ # .*$/, "", line)
			if (failed && line == want) {
				out = ""
				for (i = (n > 12 ? n - 12 : 0); i < n; i++)
					out = out buf[i] "\n"
			}
			n = 0
			next
		}
		/^# / { buf[n++] = $0 }
		END { printf "%s", out }'
}
