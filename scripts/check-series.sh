#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: every patch of the series passes checkpatch --strict, and
# every commit of base..HEAD in build/linux builds on its own with
# CONFIG_VSWAP=y and =n (once the option exists), with the .c files it
# touches rebuilt with W=1 and sparse (scripts/fetch-sparse.sh) without new
# warnings.  Builds use a separate worktree, build/src-check.
# FROM=REV builds only the commits of REV..HEAD (e.g. FROM=HEAD~2 after
# changing the last two patches); checkpatch still reads every patch.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

GIT=(git -C "$LINUX")
[ -d "$LINUX/.git" ] || die "no kernel tree at $LINUX: run 'make tree' first"
from=${FROM:-base}
"${GIT[@]}" rev-parse -q --verify "$from^{commit}" >/dev/null ||
	die "FROM=$from is not a commit of $LINUX"
errors=0

mapfile -t patches < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/patches/series" || true)
log "checkpatch --strict on ${#patches[@]} patch(es)"
for p in "${patches[@]}"; do
	out=$("$LINUX/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types \
		--ignore FILE_PATH_CHANGES "$TOP/patches/$p" 2>&1) || true
	if printf '%s' "$out" | grep -q -E '^(ERROR|WARNING|CHECK):'; then
		echo "--- $p"
		printf '%s\n' "$out"
		printf '%s' "$out" | grep -q '^ERROR:' && errors=$((errors + 1))
	else
		vlog "$p: clean"
	fi
done

# sparse as new as Debian has (scripts/fetch-sparse.sh), else the system's.
if ! SPARSE=$("$TOP/scripts/fetch-sparse.sh"); then
	SPARSE=$(command -v sparse || true)
	log "NOTE: no sparse from Debian unstable; using ${SPARSE:-no sparse at all}"
fi

commits=$("${GIT[@]}" rev-list --reverse "$from..HEAD")
[ -n "$commits" ] || { log "no commits in $from..HEAD: nothing to build"; exit $((errors > 0)); }
[ "$from" = base ] || log "building only the commits of $from..HEAD (FROM=$from)"

WT=$BUILD/src-check
if [ ! -d "$WT" ]; then
	"${GIT[@]}" worktree prune
	"${GIT[@]}" worktree add -q --detach "$WT" base
fi

build_one() { # commit variant
	local c=$1 variant=$2 out=$BUILD/kernel-check-$2 files
	log "  $variant: $("${GIT[@]}" log -1 --format='%h %s' "$c")"
	if ! KBUILD_SRC_OVERRIDE=$WT KBUILD_OUT_OVERRIDE=$out VARIANT=$variant PROFILE=test \
		"$TOP/scripts/build-kernel.sh" >/dev/null; then
		echo "error: $c does not build with VARIANT=$variant" >&2
		return 1
	fi
	mapfile -t files < <("${GIT[@]}" diff --name-only --diff-filter=AM "$c^" "$c" -- '*.c')
	[ "${#files[@]}" -gt 0 ] || return 0
	local objs=() f
	for f in "${files[@]}"; do
		case $f in tools/*|scripts/*|Documentation/*) continue;; esac
		[ -f "$out/${f%.c}.o" ] && objs+=("${f%.c}.o")
	done
	[ "${#objs[@]}" -gt 0 ] || return 0
	local extra=(W=1)
	[ -n "$SPARSE" ] && extra+=(C=2 CHECK="$SPARSE")
	local wlog=$LOGS/check-w1-$variant.log
	make -C "$WT" O="$out" ARCH=x86_64 -s "${extra[@]}" "${objs[@]}" >"$wlog" 2>&1 || {
		cat "$wlog" >&2; echo "error: W=1 build of ${objs[*]} failed" >&2; return 1; }
	"${GIT[@]}" diff --name-only base "$c" >"$wlog.files"
	build_diagnostics "$wlog" "$wlog.files" >"$wlog.counted"
	if [ -s "$wlog.counted" ]; then
		echo "--- W=1/sparse warnings in ${objs[*]} at $c ($variant):"
		cat "$wlog.counted"
		return 1
	fi
}

for c in $commits; do
	git -C "$WT" checkout -q --detach "$c"
	if grep -q '^config VSWAP$' "$WT/mm/Kconfig"; then variants="vswap novswap"; else variants="novswap"; fi
	for v in $variants; do
		build_one "$c" "$v" || errors=$((errors + 1))
	done
done

if [ "$errors" -gt 0 ]; then
	die "make check: $errors problem(s) (see above)"
fi
log "make check: all patches clean and every commit builds"
