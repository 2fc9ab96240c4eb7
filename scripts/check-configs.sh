#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check`, second part: the top of the series (build/linux HEAD) in the
# configurations the per-commit builds do not cover, each a fragment of
# configs/check-*.config:
#   i386        32-bit, CONFIG_SWAP=y (CONFIG_VSWAP cannot be set there)
#   nomemcg     the vswap test kernel with CONFIG_MEMCG=n
#   memcg-v1    the vswap test kernel with CONFIG_MEMCG_V1=y
# Only the directories the series changes code in are built (mm/ and
# kernel/power/), then the .c files the series touches again with W=1 and
# sparse (SPARSE=, default: scripts/fetch-sparse.sh, unstable's sparse).
# Exits non-zero on a build error, a warning, or a fragment option that
# Kconfig dropped.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

GIT=(git -C "$LINUX")
[ -d "$LINUX/.git" ] || die "no kernel tree at $LINUX: run 'make tree' first"
SPARSE=${SPARSE:-$("$TOP/scripts/fetch-sparse.sh")} ||
	die "no sparse to run (set SPARSE=/path/to/sparse)"
log "sparse: $SPARSE ($(cat "$(dirname "$SPARSE")/VERSION" 2>/dev/null || "$SPARSE" --version))"

WT=$BUILD/src-check-configs
if [ ! -d "$WT" ]; then
	"${GIT[@]}" worktree prune
	"${GIT[@]}" worktree add -q --detach "$WT" HEAD
fi
git -C "$WT" checkout -q --detach "$("${GIT[@]}" rev-parse HEAD)"

mapfile -t touched < <("${GIT[@]}" diff --name-only --diff-filter=AM base HEAD -- 'mm/*.c' 'kernel/*.c')
"${GIT[@]}" diff --name-only base HEAD >"$LOGS/check-configs-files.txt"

errors=0
check_config() { # name arch fragment...
	local name=$1 arch=$2; shift 2
	local out=$BUILD/kernel-check-$name frags=("$@") f line objs=()
	local mk=(make -C "$WT" O="$out" ARCH="$arch" -j"$(nproc_build)")
	command -v ccache >/dev/null && mk+=(CC="ccache gcc" HOSTCC="ccache gcc")
	mkdir -p "$out"
	log "$name ($arch): configuring"
	run_logged "$LOGS/check-config-$name.log" "${mk[@]}" tinyconfig || return 1
	run_logged "$LOGS/check-config-$name.log" env ARCH="$arch" \
		"$WT/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${frags[@]}" || return 1
	run_logged "$LOGS/check-config-$name.log" "${mk[@]}" olddefconfig || return 1
	# The configuration's own fragment must be what .config has.
	f=${frags[-1]}
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) grep -qxF -- "$line" "$out/.config" ||
			{ echo "error: $name: Kconfig dropped $line" >&2; return 1; };;
		"# CONFIG_"*" is not set") ! grep -q "^${line:2:-11}=" "$out/.config" ||
			{ echo "error: $name: ${line:2:-11} is set" >&2; return 1; };;
		esac
	done <"$f"
	log "$name ($arch): building mm/ kernel/power/ (log: build/logs/check-build-$name.log)"
	run_logged "$LOGS/check-build-$name.log" "${mk[@]}" mm/ kernel/power/ || return 1
	for f in "${touched[@]}"; do
		[ -f "$out/${f%.c}.o" ] && objs+=("${f%.c}.o")
	done
	[ "${#objs[@]}" -gt 0 ] || return 0
	log "$name ($arch): W=1 and sparse on ${objs[*]}"
	run_logged "$LOGS/check-w1-$name.log" "${mk[@]}" W=1 C=2 CHECK="$SPARSE" "${objs[@]}" || return 1
	if build_diagnostics "$LOGS/check-w1-$name.log" "$LOGS/check-configs-files.txt" |
		grep . >&2; then
		echo "error: $name: W=1/sparse warnings (above, $LOGS/check-w1-$name.log)" >&2
		return 1
	fi
}

C=$TOP/configs
check_config i386 i386 "$C/check-i386.config" || errors=$((errors + 1))
check_config nomemcg x86_64 "$C/base.config" "$C/test.config" "$C/vswap-on.config" \
	"$C/vswap-test.config" "$C/check-nomemcg.config" || errors=$((errors + 1))
check_config memcg-v1 x86_64 "$C/base.config" "$C/test.config" "$C/vswap-on.config" \
	"$C/vswap-test.config" "$C/check-memcg-v1.config" || errors=$((errors + 1))

[ "$errors" = 0 ] || die "make check: $errors configuration(s) failed (see above)"
log "make check: i386, MEMCG=n and MEMCG_V1=y build clean"
