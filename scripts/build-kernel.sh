#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build one kernel out of tree.
#   VARIANT=base     the base tree (tag `base`, no series), from build/src-base
#   VARIANT=vswap    build/linux as it is (series + your edits), CONFIG_VSWAP=y
#   VARIANT=novswap  build/linux as it is, CONFIG_VSWAP=n
#   PROFILE=test     configs/test.config (debug + KUnit), O=build/kernel-VARIANT
#   PROFILE=bench    configs/bench.config (no debug), O=build/kernel-VARIANT-bench
#   PROFILE=kasan    configs/test.config + configs/kasan.config (KASAN,
#                    kmemleak, SLUB debugging), O=build/kernel-VARIANT-kasan
#   PROFILE=kcsan    configs/test.config + configs/kcsan.config (the data-race
#                    detector), O=build/kernel-VARIANT-kcsan
# Config = tinyconfig + configs/base.config + the profile fragment (+ VSWAP),
# then olddefconfig, then every option a fragment asks for is checked.
# Prints the path of the bzImage on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

VARIANT=${VARIANT:-vswap}
PROFILE=${PROFILE:-test}
case $VARIANT in base|vswap|novswap) ;; *) die "VARIANT must be base, vswap or novswap (got '$VARIANT')";; esac
case $PROFILE in test|bench|kasan|kcsan) ;; *) die "PROFILE must be test, bench, kasan or kcsan (got '$PROFILE')";; esac

[ -d "$LINUX/.git" ] || die "no kernel tree at $LINUX: run 'make tree' first"

if [ "$VARIANT" = base ]; then
	SRC=$BUILD/src-base
	if [ ! -d "$SRC" ]; then
		git -C "$LINUX" worktree prune
		git -C "$LINUX" worktree add -q --detach "$SRC" base
	fi
	[ "$(git -C "$SRC" rev-parse HEAD)" = "$(git -C "$LINUX" rev-parse 'base^{commit}')" ] ||
		git -C "$SRC" checkout -q --detach base
else
	SRC=$LINUX
fi
SRC=${KBUILD_SRC_OVERRIDE:-$SRC}

O=$BUILD/kernel-$VARIANT
[ "$PROFILE" = test ] || O=$O-$PROFILE
O=${KBUILD_OUT_OVERRIDE:-$O}
mkdir -p "$O" "$LOGS"

case $PROFILE in
kasan|kcsan) frags=("$TOP/configs/base.config" "$TOP/configs/test.config" "$TOP/configs/$PROFILE.config");;
*) frags=("$TOP/configs/base.config" "$TOP/configs/$PROFILE.config");;
esac
if grep -q '^config VSWAP$' "$SRC/mm/Kconfig" 2>/dev/null; then
	case $VARIANT in
	vswap) frags+=("$TOP/configs/vswap-on.config");;
	novswap) frags+=("$TOP/configs/vswap-off.config");;
	esac
fi
# The series' KUnit suite, from the patch that adds it on.
if [ "$VARIANT" = vswap ] && [ "$PROFILE" != bench ] &&
	grep -q '^config VSWAP_KUNIT_TEST$' "$SRC/mm/Kconfig" 2>/dev/null; then
	frags+=("$TOP/configs/vswap-test.config")
fi

makeflags=(-C "$SRC" O="$O" ARCH=x86_64 -j"$(nproc_build)"
	KBUILD_BUILD_USER=vswap KBUILD_BUILD_HOST=workbench
	KBUILD_BUILD_TIMESTAMP='2026-01-01')
if command -v ccache >/dev/null 2>&1 && [ "${NO_CCACHE:-0}" != 1 ]; then
	makeflags+=(CC="ccache gcc" HOSTCC="ccache gcc")
	export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
fi
[ "${V:-0}" = 1 ] || makeflags+=(-s)

tag=$(basename "$O")
log "configuring $tag ($VARIANT, $PROFILE) from $(basename "$SRC")"
run_logged "$LOGS/config-$tag.log" make "${makeflags[@]}" tinyconfig
run_logged "$LOGS/config-$tag.log" \
	env ARCH=x86_64 "$SRC/scripts/kconfig/merge_config.sh" -m -O "$O" "$O/.config" "${frags[@]}"
run_logged "$LOGS/config-$tag.log" make "${makeflags[@]}" olddefconfig

# A fragment option that Kconfig silently dropped is a false green.
missing=0
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF -- "$line" "$O/.config" || {
				printf 'error: %s asks for %s, .config has: %s\n' "$(basename "$f")" "$line" \
					"$(grep -E "^(# )?${line%%=*}[= ]" "$O/.config" || echo 'nothing')" >&2
				missing=1
			};;
		"# CONFIG_"*" is not set")
			opt=${line#\# }; opt=${opt%% *}
			if grep -q "^$opt=" "$O/.config"; then
				printf 'error: %s asks for %s unset, .config has it set\n' "$(basename "$f")" "$opt" >&2
				missing=1
			fi;;
		esac
	done <"$f"
done
[ "$missing" = 0 ] || die "$tag: config fragments not honoured (see above); fix the fragments"

log "building $tag (log: build/logs/build-$tag.log)"
start=$(date +%s)
run_logged "$LOGS/build-$tag.log" make "${makeflags[@]}" bzImage
log "built $tag in $(( $(date +%s) - start ))s"
echo "$O/arch/x86/boot/bzImage"
