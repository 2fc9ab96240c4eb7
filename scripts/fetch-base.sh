#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Find the base kernel source package and leave the verified source tarball
# at build/cache/linux-source-7.2.tar.xz.  Looks, in order, in build/cache,
# in ../shared/base (pinned copy) and in Debian's unstable suite (through a
# private apt configuration under build/apt; the system's apt is untouched).
# With KSRC=/path/to/linux-7.2 set, nothing is fetched: make-tree.sh uses it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CACHE=$BUILD/cache
TARBALL=$CACHE/$BASE_PKG.tar.xz
mkdir -p "$CACHE"

if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] && [ -d "$KSRC/mm" ] ||
		die "KSRC=$KSRC is not a kernel source tree"
	log "using the kernel tree KSRC=$KSRC as base; nothing to fetch"
	exit 0
fi

sha_ok() { echo "$BASE_SHA256  $1" | sha256sum --check --status -; }

unpack_deb() {
	local deb=$1
	log "extracting $BASE_PKG.tar.xz from $(basename "$deb")"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO "./usr/src/$BASE_PKG.tar.xz" >"$TARBALL.tmp" ||
		die "$deb does not contain usr/src/$BASE_PKG.tar.xz"
	mv "$TARBALL.tmp" "$TARBALL"
}

# Debian unstable (unstable_apt in lib.sh).
fetch_unstable() {
	unstable_apt || return 1
	log "asking Debian unstable for $BASE_PKG"
	local ver
	ver=$(apt-cache "${UNSTABLE_APT[@]}" policy "$BASE_PKG" 2>/dev/null |
		awk '/Candidate:/ { print $2 }')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || return 1
	(cd "$CACHE" && apt-get "${UNSTABLE_APT[@]}" -q download "$BASE_PKG=$ver") \
		>"$BUILD/apt/download.log" 2>&1 || return 1
	local deb=$CACHE/${BASE_PKG}_${ver}_all.deb
	[ -f "$deb" ] || return 1
	if [ "$ver" = "$BASE_VERSION" ]; then
		sha_ok "$deb" || die "$deb: sha256 mismatch for the pinned $BASE_VERSION"
	else
		log "NOTE: unstable serves $BASE_PKG $ver, not the pinned $BASE_VERSION; using it"
	fi
	unpack_deb "$deb"
}

if [ -f "$TARBALL" ] && [ -f "$TARBALL.ok" ]; then
	vlog "base tarball cached: $TARBALL"
	exit 0
fi

if [ -f "$CACHE/$BASE_DEB" ] && sha_ok "$CACHE/$BASE_DEB"; then
	unpack_deb "$CACHE/$BASE_DEB"
elif [ -f "$SHARED_BASE/$BASE_DEB" ]; then
	log "verifying $SHARED_BASE/$BASE_DEB"
	sha_ok "$SHARED_BASE/$BASE_DEB" ||
		die "$SHARED_BASE/$BASE_DEB: sha256 does not match $BASE_SHA256"
	unpack_deb "$SHARED_BASE/$BASE_DEB"
elif ! fetch_unstable; then
	die "cannot find the base kernel: Debian package $BASE_PKG ($BASE_VERSION) is not in $CACHE, not in $SHARED_BASE, and Debian unstable could not be reached (see $BUILD/apt/*.log).
Copy ${BASE_DEB} into $CACHE, or point KSRC= at an existing Linux 7.2 source tree: make tree KSRC=/path/to/linux-7.2"
fi
touch "$TARBALL.ok"
log "base tarball: $TARBALL"
