#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot one guest and run one plan in it.
#   run-guest.sh KERNEL PLAN RUNDIR
# Env: MEM (MiB, default 1024), SMP (2), ACCEL (tcg; icount: one TCG
#      thread whose virtual clock counts guest instructions, so that guest-
#      measured times do not depend on the host's speed or load; kvm only
#      when asked),
#      TIMEOUT (seconds, default 1200), DISK_MB (virtio swap disk, 2048),
#      APPEND (extra kernel command line).
# Writes RUNDIR/console.log (serial console), RUNDIR/tap.log (the plan's TAP)
# and RUNDIR/status (the guest's exit code).  Exit status: 0 when the guest
# reported status 0 itself and the console shows no kernel splat; 1 when the
# guest ran cleanly but reported a non-zero status (its tests failed); 2 when
# it crashed, hung, reported nothing, or the console shows a splat (or a
# kmemleak report of an object leaked on a swap path).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 3 ] || die "usage: run-guest.sh KERNEL PLAN RUNDIR"
KERNEL=$1 PLAN=$2 RUNDIR=$3
MEM=${MEM:-1024} SMP=${SMP:-2} ACCEL=${ACCEL:-tcg}
TIMEOUT=${TIMEOUT:-1200} DISK_MB=${DISK_MB:-2048}
# The stress plan carries stress-ng and its libraries in an initramfs of
# its own, unpacked into ramfs rather than tmpfs: its leak check counts
# every swap slot, and tmpfs pages of the root filesystem could be
# swapped out under its stressors' pressure.
rootfs=''
if [ "$PLAN" = stress ]; then
	INITRD=${INITRD:-$BUILD/initramfs-stress.cpio.gz}
	rootfs=rootfstype=ramfs
else
	INITRD=${INITRD:-$BUILD/initramfs.cpio.gz}
fi

[ -f "$KERNEL" ] || die "no kernel image $KERNEL"
[ -f "$INITRD" ] || die "no initramfs $INITRD (scripts/build-initramfs.sh; the stress plan's needs stress-ng: make deps)"
[ -f "$TOP/guest/plans/$PLAN.sh" ] || die "no guest plan guest/plans/$PLAN.sh"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (make deps)"

# shellcheck disable=SC2054 # the commas belong to QEMU's option syntax
case $ACCEL in
tcg) accel=(-accel tcg,thread=multi -cpu max);;
# shift=0: one virtual nanosecond per instruction; sleep=off: an idle
# guest's clock jumps to its next timer instead of waiting for the host.
icount) accel=(-accel tcg,thread=single -cpu max -icount shift=0,sleep=off);;
kvm) accel=(-accel kvm -cpu host);;
*) die "ACCEL must be tcg, icount or kvm (got '$ACCEL')";;
esac

rm -rf "$RUNDIR"
mkdir -p "$RUNDIR"
disk=$RUNDIR/swap.img
truncate -s "${DISK_MB}M" "$disk"
# An ext4 scratch disk: tests that need a real filesystem run in it.
scratch=$RUNDIR/scratch.img
truncate -s 512M "$scratch"
mkfs.ext4 -q -F -E lazy_itable_init=1 "$scratch" >/dev/null 2>&1 ||
	die "mkfs.ext4 failed on $scratch (e2fsprogs installed?)"

# The alloc-faults plan aims at allocation sites by address: they come
# from the image that boots (its vmlinux beside arch/x86/boot/bzImage).
sites=''
if [ "$PLAN" = alloc-faults ]; then
	vmlinux=${KERNEL%/arch/x86/boot/bzImage}/vmlinux
	sites=$("$TOP/scripts/fault-sites.sh" "$vmlinux") ||
		die "cannot find the allocation sites in $vmlinux (scripts/fault-sites.sh)"
fi

cmdline="console=ttyS0 panic=-1 oops=panic wb.plan=$PLAN $rootfs $sites ${APPEND:-}"
log "booting ${KERNEL#"$TOP"/} plan=$PLAN (${MEM}M, ${SMP} vCPUs, $ACCEL, timeout ${TIMEOUT}s); log: ${RUNDIR#"$TOP"/}/console.log"
start=$(date +%s)
set +e
# --foreground: Ctrl-C reaches QEMU too (timeout would put it in its own group).
timeout --foreground -k 10 "$TIMEOUT" qemu-system-x86_64 \
	-machine q35 "${accel[@]}" -smp "$SMP" -m "$MEM" \
	-display none -monitor none -no-reboot \
	-kernel "$KERNEL" -initrd "$INITRD" -append "$cmdline" \
	-serial "file:$RUNDIR/console.log" -serial "file:$RUNDIR/tap.log" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-drive "file=$disk,if=virtio,format=raw,cache=unsafe,discard=unmap" \
	-drive "file=$scratch,if=virtio,format=raw,cache=unsafe" \
	</dev/null >"$RUNDIR/qemu.log" 2>&1
qrc=$?
set -e
secs=$(( $(date +%s) - start ))
rm -f "$disk" "$scratch"

fail=0
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	printf 'error: guest (plan %s) timed out after %ss; last console lines:\n' "$PLAN" "$TIMEOUT" >&2
	tail -n 30 "$RUNDIR/console.log" >&2
	echo timeout >"$RUNDIR/status"
	fail=2
elif [ $((qrc & 1)) = 1 ] && [ "$qrc" -ge 33 ]; then
	# isa-debug-exit: QEMU exits with (value << 1) | 1, and guest-exit
	# writes value = status + 16 (QEMU's own errors exit with 1).
	code=$(( (qrc >> 1) - 16 ))
	echo "$code" >"$RUNDIR/status"
	if [ "$code" != 0 ]; then
		printf 'guest plan %s reported status %s\n' "$PLAN" "$code" >&2
		fail=1
	fi
else
	printf 'error: guest (plan %s) ended without reporting a status (QEMU exit %s: panic, reboot or QEMU error); last console lines:\n' "$PLAN" "$qrc" >&2
	tail -n 30 "$RUNDIR/console.log" >&2
	cat "$RUNDIR/qemu.log" >&2
	echo "noreport" >"$RUNDIR/status"
	fail=2
fi

if ! "$TOP/scripts/check-splats.sh" "$RUNDIR/console.log"; then
	echo splat >"$RUNDIR/splat"
	fail=2
fi
# A kmemleak kernel's report, printed by guest/init at the end.
if ! "$TOP/scripts/check-kmemleak.sh" "$RUNDIR/console.log" >&2; then
	echo kmemleak >"$RUNDIR/splat"
	fail=2
fi
log "plan $PLAN: guest ran ${secs}s, status $(cat "$RUNDIR/status")"
exit "$fail"
