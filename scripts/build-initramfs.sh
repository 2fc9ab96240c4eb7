#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest initramfs (build/initramfs.cpio.gz): busybox-static, the
# guest/ scripts and workloads (compiled static here), and the kselftests
# built by build-selftests.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

BUSYBOX=${BUSYBOX:-/bin/busybox}
ROOT=$BUILD/initramfs
OUT=$BUILD/initramfs.cpio.gz
CC=${CC:-gcc}

[ -x "$BUSYBOX" ] || die "$BUSYBOX not found: install busybox-static (make deps)"
file -L "$BUSYBOX" | grep -q 'statically linked' ||
	die "$BUSYBOX is not statically linked: install busybox-static (make deps)"

rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,guest,selftests}
cp "$BUSYBOX" "$ROOT/bin/busybox"
for applet in $("$BUSYBOX" --list-full); do
	[ -e "$ROOT/$applet" ] || ln -s /bin/busybox "$ROOT/$applet"
done

for src in "$TOP"/guest/*.c; do
	name=$(basename "$src" .c)
	vlog "cc $name"
	"$CC" -O2 -Wall -Wextra -Werror -static -o "$ROOT/bin/$name" "$src" ||
		die "guest program $src does not build"
done

cp "$TOP/guest/init" "$ROOT/init"
chmod +x "$ROOT/init"
cp -r "$TOP/guest/lib.sh" "$TOP/guest/plans" "$TOP"/guest/*.list "$ROOT/guest/"

if [ -d "$BUILD/selftests" ]; then
	# Binaries and the helper scripts the tests expect beside them.
	(cd "$BUILD/selftests" && find . -type f -perm -u+x -print0 |
		cpio -0 -pdm --quiet "$ROOT/selftests")
fi

(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z |
	cpio -0 -o -H newc -R 0:0 --quiet | gzip -1 >"$OUT.tmp")
mv "$OUT.tmp" "$OUT"
log "initramfs: $OUT ($(du -h "$OUT" | cut -f1))"

# The stress plan's initramfs: the same archive, and a second one with
# Debian's stress-ng and the shared libraries it links (the kernel unpacks
# both).  Only that plan boots it: ~25 MiB of libraries in the guest's
# rootfs would take memory from the other plans.
STRESS_NG=${STRESS_NG:-/usr/bin/stress-ng}
if [ ! -x "$STRESS_NG" ]; then
	rm -f "$BUILD/initramfs-stress.cpio.gz"
	log "warning: $STRESS_NG not found (make deps installs stress-ng): no initramfs for the stress plan"
	exit 0
fi
SROOT=$BUILD/initramfs-stress
rm -rf "$SROOT"
mkdir -p "$SROOT/usr/bin"
cp "$STRESS_NG" "$SROOT/usr/bin/stress-ng"
libs=$(ldd "$STRESS_NG" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }') ||
	die "ldd $STRESS_NG failed"
[ -n "$libs" ] || die "ldd found no libraries for $STRESS_NG"
for lib in $libs; do
	mkdir -p "$SROOT$(dirname "$lib")"
	cp -L "$lib" "$SROOT$lib"
done
(cd "$SROOT" && find . -print0 | LC_ALL=C sort -z |
	cpio -0 -o -H newc -R 0:0 --quiet | gzip -1 >"$OUT.stress")
cat "$OUT" "$OUT.stress" >"$BUILD/initramfs-stress.cpio.gz.tmp"
rm -f "$OUT.stress"
mv "$BUILD/initramfs-stress.cpio.gz.tmp" "$BUILD/initramfs-stress.cpio.gz"
log "initramfs for the stress plan: $BUILD/initramfs-stress.cpio.gz ($(du -h "$BUILD/initramfs-stress.cpio.gz" | cut -f1))"
