#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Generate the kernel git tree build/linux: the base source committed and
# tagged `base`, then every patch of patches/series applied with `git am`.
#
# Idempotent: when build/linux already holds exactly the series, nothing
# happens.  It never throws work away: uncommitted changes make it stop, and
# commits that are not in patches/ make it stop unless FORCE=1, in which case
# they are kept on a backup branch first.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SERIES=$TOP/patches/series
GIT=(git -C "$LINUX")
export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-vswap workbench}
export GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-vswap@localhost}
export GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME}
export GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}

series_patches() {
	[ -f "$SERIES" ] || return 0
	{ grep -v -e '^#' -e '^[[:space:]]*$' "$SERIES" || true; } | while read -r p; do
		[ -f "$TOP/patches/$p" ] || die "patches/series names $p, which does not exist"
		printf '%s\n' "$TOP/patches/$p"
	done
}

# One patch-id per line, in order: a stable fingerprint of a change.
series_ids() {
	local p
	series_patches | while read -r p; do
		git patch-id --stable <"$p" | awk '{ print $1 }'
	done
}
tree_ids() {
	local c id
	"${GIT[@]}" rev-list --reverse base..HEAD | while read -r c; do
		id=$("${GIT[@]}" show --format= "$c" | git patch-id --stable | awk '{ print $1 }')
		# An empty commit has no patch id, and format-patch would drop it.
		printf '%s\n' "${id:-empty:$("${GIT[@]}" log -1 --format=%s "$c")}"
	done
}

create_base() {
	local tmp=$BUILD/linux.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	if [ -n "${KSRC:-}" ]; then
		log "copying base tree from KSRC=$KSRC"
		tar -C "$KSRC" --exclude=.git -cf - . | tar -C "$tmp" -xf -
	else
		"$TOP/scripts/fetch-base.sh"
		log "extracting $BASE_PKG into $LINUX"
		tar -C "$tmp" --strip-components=1 -xJf "$BUILD/cache/$BASE_PKG.tar.xz"
	fi
	[ -f "$tmp/Makefile" ] && [ -f "$tmp/mm/swap_table.h" ] ||
		die "the base tree has no mm/swap_table.h: not a 7.2 kernel with the swap table"
	mv "$tmp" "$LINUX"
	log "committing the base tree (tag: base)"
	"${GIT[@]}" init -q -b master
	"${GIT[@]}" config core.autocrlf false
	# Commits made in the tree carry the project repo's identity, if it has one.
	local who
	for who in user.name user.email; do
		if git -C "$TOP" config "$who" >/dev/null; then
			"${GIT[@]}" config "$who" "$(git -C "$TOP" config "$who")"
		fi
	done
	"${GIT[@]}" add -A -f .
	# A fixed identity and date make the base commit id reproducible, so
	# `base-commit:` in exported patches does not churn.
	local ver
	ver=$(make -s -C "$LINUX" kernelversion 2>/dev/null || echo 7.2)
	GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' \
		"${GIT[@]}" commit -q --no-verify -m "base: Linux $ver ($BASE_PKG ${KSRC:+from KSRC}${KSRC:-$BASE_VERSION})"
	"${GIT[@]}" tag base
}

# Debian's top-level .gitignore ignores every top-level entry ("/*"), so a
# file that a patch adds (mm/vswap.h) would be left out of `git add -A` and
# of the exported series without a word.  Drop that rule in the working
# tree only, and tell git to ignore the change (skip-worktree): the tree
# stays clean and `base` stays the unmodified base.  Idempotent.
unhide_new_files() {
	if grep -qx '/\*' "$LINUX/.gitignore" 2>/dev/null; then
		sed -i '\#^/\*$#d' "$LINUX/.gitignore"
		"${GIT[@]}" update-index --skip-worktree .gitignore
		vlog "new files are no longer ignored in $LINUX (.gitignore: '/*' dropped, skip-worktree)"
	fi
}

apply_series() {
	local p n=0
	while read -r p; do
		n=$((n + 1))
		vlog "applying $(basename "$p")"
		if ! "${GIT[@]}" am -q --committer-date-is-author-date --keep-cr "$p" \
			>"$LOGS/git-am.log" 2>&1; then
			"${GIT[@]}" am --abort >/dev/null 2>&1 || true
			cat "$LOGS/git-am.log" >&2
			die "patch $(basename "$p") does not apply on top of base + the patches before it; the tree is left at base + $((n - 1)) patches"
		fi
	done < <(series_patches)
	log "applied $n patch(es) on top of base"
}

mkdir -p "$BUILD" "$LOGS"

if [ ! -d "$LINUX/.git" ]; then
	[ ! -e "$LINUX" ] || die "$LINUX exists but is not a git tree; move it away"
	create_base
	unhide_new_files
	apply_series
	exit 0
fi

"${GIT[@]}" rev-parse -q --verify base >/dev/null ||
	die "$LINUX has no 'base' tag; it was not made by this script (move it away)"
if [ -n "$("${GIT[@]}" status --porcelain --untracked-files=no)" ]; then
	die "$LINUX has uncommitted changes; commit them (and run 'make export') or stash them first"
fi
if [ -d "$LINUX/.git/rebase-apply" ] || [ -d "$LINUX/.git/rebase-merge" ]; then
	die "$LINUX is in the middle of a git am/rebase; finish or abort it first"
fi

unhide_new_files

want=$(series_ids)
have=$(tree_ids)
if [ "$want" = "$have" ]; then
	log "$LINUX is up to date with patches/ ($(printf '%s' "$want" | grep -c . || true) patch(es))"
	exit 0
fi

# Commits in the tree that patches/ does not have would be lost.
lost=$(comm -23 <(printf '%s\n' "$have" | sort -u) <(printf '%s\n' "$want" | sort -u) | grep . || true)
if [ -n "$lost" ]; then
	if [ "${FORCE:-0}" != 1 ]; then
		die "$LINUX has commits that are not in patches/ (run 'make export' to keep them, or FORCE=1 to set them aside on a backup branch)"
	fi
	backup=backup/$(date +%Y%m%d-%H%M%S)
	"${GIT[@]}" branch "$backup" HEAD
	log "kept the old HEAD as branch $backup"
fi
log "regenerating $LINUX from base + patches/"
"${GIT[@]}" checkout -q --detach base 2>/dev/null || true
"${GIT[@]}" checkout -q -B master base
apply_series
