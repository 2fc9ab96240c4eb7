#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the newest sparse that Debian has, from unstable's source package,
# into build/tools/sparse, and print the path of the binary.  make check
# runs it on the files the series touches: the stable release's sparse
# (0.6.4) predates some of the C that 7.2's headers use.  unstable's binary
# package needs a newer glibc than the stable release has, so the source
# is built here (sparse alone: no GTK, LLVM or sqlite front ends; ~20 s).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=$BUILD/tools/sparse
if [ -x "$OUT/sparse" ] && [ -f "$OUT/VERSION" ]; then
	echo "$OUT/sparse"
	exit 0
fi

unstable_apt || die "Debian unstable cannot be reached (see $BUILD/apt/update.log): no newer sparse"
ver=$(apt-cache "${UNSTABLE_APT[@]}" showsrc sparse 2>/dev/null |
	awk '/^Version:/ { print $2; exit }')
[ -n "$ver" ] || die "Debian unstable has no sparse source package"

src=$BUILD/tools/sparse-src
rm -rf "$src"
mkdir -p "$src" "$LOGS"
log "fetching the source of sparse $ver from Debian unstable"
(cd "$src" && apt-get "${UNSTABLE_APT[@]}" -q --download-only source "sparse=$ver") \
	>"$LOGS/fetch-sparse.log" 2>&1 ||
	die "could not download the sparse $ver source (see $LOGS/fetch-sparse.log)"
tar -C "$src" -xf "$src"/sparse_*.orig.tar.*
dir=$(find "$src" -mindepth 1 -maxdepth 1 -type d -name 'sparse*' | head -n 1)
[ -n "$dir" ] || die "the sparse $ver source has no sparse-* directory"
log "building sparse $ver (log: build/logs/build-sparse.log)"
run_logged "$LOGS/build-sparse.log" make -C "$dir" -j"$(nproc_build)" sparse \
	HAVE_GTK=no HAVE_LLVM=no HAVE_SQLITE=no HAVE_LIBXML=no
mkdir -p "$OUT"
cp "$dir/sparse" "$OUT/sparse"
echo "$ver" >"$OUT/VERSION"
echo "$OUT/sparse"
