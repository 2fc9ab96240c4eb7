#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make distclean`: remove build/, but never kernel work that is not exported.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ -d "$LINUX/.git" ]; then
	[ -z "$(git -C "$LINUX" status --porcelain --untracked-files=no)" ] ||
		die "$LINUX has uncommitted changes; commit and 'make export' first"
	"$TOP/scripts/export-series.sh"
	[ -z "$(git -C "$TOP" status --porcelain -- patches)" ] ||
		die "build/linux holds work that differs from the committed patches/; commit patches/ first"
fi
rm -rf "$BUILD"
log "removed build/"
