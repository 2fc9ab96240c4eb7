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
