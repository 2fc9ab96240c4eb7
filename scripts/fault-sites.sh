#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# fault-sites.sh VMLINUX: the vswap allocation sites of a kernel image,
# for the alloc-faults plan's stack filter (debugfs failslab/ and
# fail_page_alloc/ require-start and require-end: an allocation fails
# only if one of its stack's return addresses is in that range).  Prints
# one kernel command-line word:
#   wb.fault_sites=NAME:FUNC:FUNC_ADDR:START:END,...
# with the addresses in hex.  A site is either one call in a function
# (the range is that call's return address) or a whole function (every
# allocation made under it).  FUNC_ADDR lets the guest check that the
# kernel runs where the image says (no KASLR) before it arms anything.
# Fails, naming the site, when the image's code does not have the
# expected shape (a call inlined away, a call more or fewer): a site the
# plan cannot target is an error, not a silent pass.
set -euo pipefail

[ $# = 1 ] || { echo "usage: fault-sites.sh VMLINUX" >&2; exit 2; }
VMLINUX=$1
[ -f "$VMLINUX" ] || { echo "error: no kernel image $VMLINUX" >&2; exit 2; }
command -v objdump >/dev/null || { echo "error: objdump not found (binutils)" >&2; exit 2; }

# func_range FUNC: its address and size ("ADDR SIZE", hex), from the symbol table.
func_range() {
	local r
	r=$(nm -S "$VMLINUX" | awk -v f="$1" '$4 == f && $3 ~ /^[tT]$/ { print $1, $2; n++ } END { exit n != 1 }') ||
		{ echo "error: $VMLINUX has no single function $1 (inlined or renamed?)" >&2; exit 1; }
	echo "$r"
}

# call_sites FUNC CALLEE_REGEX: FUNC's calls to a function whose name
# matches, in code order, one per line: the return address and the
# constant last loaded into %edx before the call (the size argument of a
# kmalloc-family call; "-" if none since the previous call).
call_sites() {
	objdump -d --no-show-raw-insn --disassemble="$1" "$VMLINUX" | awk -v re="$2" '
		/^ *[0-9a-f]+:/ {
			addr = $1; sub(/:$/, "", addr)
			if (want) { print addr, size; want = 0 }
			if ($2 == "mov" && $3 ~ /^\$0x[0-9a-f]+,%edx$/) {
				size = $3; sub(/^\$/, "", size); sub(/,%edx$/, "", size)
			}
			if ($2 == "call") {
				if (match($0, /<[^>+]*>/) && substr($0, RSTART + 1, RLENGTH - 2) ~ re)
					want = 1
				else
					size = "-"
			}
		}'
}

sites=()
# call_site NAME FUNC CALLEE_REGEX NTH COUNT [SIZE|!SIZE]: the NTH of COUNT
# such calls, whose size argument must be (or must not be) SIZE.
call_site() {
	local name=$1 func=$2 re=$3 nth=$4 count=$5 want=${6:-} addrs ret size fa r
	mapfile -t addrs < <(call_sites "$func" "$re")
	[ "${#addrs[@]}" = "$count" ] ||
		{ echo "error: site $name: $func makes ${#addrs[@]} calls matching /$re/, expected $count" >&2; exit 1; }
	read -r ret size <<<"${addrs[$((nth - 1))]}"
	case $want in
	'') ;;
	!*) [ "$size" != "${want#!}" ] ||
		{ echo "error: site $name: call $nth of /$re/ in $func has size $size, expected another" >&2; exit 1; };;
	*) [ "$size" = "$want" ] ||
		{ echo "error: site $name: call $nth of /$re/ in $func has size $size, expected $want" >&2; exit 1; };;
	esac
	r=$(func_range "$func") || exit 1
	read -r fa _ <<<"$r"
	sites+=("$name:$func:0x$fa:0x$ret:$(printf '0x%x' $((0x$ret + 1)))")
}
# func_site NAME FUNC: every allocation made under FUNC.
func_site() {
	local name=$1 func=$2 fa size r
	r=$(func_range "$func") || exit 1
	read -r fa size <<<"$r"
	sites+=("$name:$func:0x$fa:0x$fa:$(printf '0x%x' $((0x$fa + 0x$size)))")
}

KMALLOC='^(__kmalloc|kmalloc_|__kmalloc_cache|__kmalloc_noprof|kmalloc_trace)'
# vswap_cluster_alloc(): kzalloc of the cluster, kcalloc of its virtual
# table, its swap table, the xarray slot that publishes it.
# The virtual table is SWAPFILE_CLUSTER words: 4 KiB with 4 KiB pages (x86).
call_site cluster_struct vswap_cluster_alloc "$KMALLOC" 1 2 '!0x1000'
call_site virtual_table vswap_cluster_alloc "$KMALLOC" 2 2 0x1000
call_site swap_table vswap_cluster_alloc '^swap_cluster_alloc_table$' 1 1
call_site xarray_node vswap_cluster_alloc '^__xa_alloc$' 1 1
# The memcg table, allocated with a cluster's first cgroup record.
func_site memcg_table swap_cgroup_prepare
# The physical slots that back vswap slots (zswap writeback): the swap
# table of a physical cluster taken for them.
func_site backing_slots swap_alloc_backing

(IFS=,; echo "wb.fault_sites=${sites[*]}")
