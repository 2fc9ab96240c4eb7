#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# check-splats.sh CONSOLE_LOG: fail (and show it) when the kernel log holds a
# splat: BUG, WARNING, Oops, panic, lockdep or KASAN/UBSAN report, hung task,
# RCU stall, soft/hard lockup.
set -euo pipefail

[ $# = 1 ] && [ -f "$1" ] || { echo "usage: check-splats.sh CONSOLE_LOG" >&2; exit 2; }

pattern='(BUG:|kernel BUG at|WARNING:|Oops|general protection fault|Kernel panic|KASAN:|UBSAN:|INFO: (task .* blocked for more than|possible (circular|recursive|irq)|inconsistent lock|suspicious RCU|trying to register non-static key|rcu_[a-z]* (self-)?detected stall)|rcu: INFO:|watchdog: .*lockup|Unable to handle kernel|list_(add|del) corruption|bad page state|BAD page)'

# Strip the timestamp prefix so a splat is matched wherever it is printed.
hits=$(sed 's/\r$//' "$1" | grep -n -E "$pattern" || true)
if [ -n "$hits" ]; then
	first=$(printf '%s\n' "$hits" | head -n 1 | cut -d: -f1)
	echo "error: kernel splat in $1:" >&2
	printf '%s\n' "$hits" | head -n 10 | sed 's/^/  line /' >&2
	echo "--- console from line $first ---" >&2
	sed -n "${first},$((first + 60))p" "$1" >&2
	exit 1
fi
