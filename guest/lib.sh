# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Helpers for the guest plans (busybox sh).  TAP goes to fd 3 (ttyS1),
# progress to stdout (the console).  Each plan:  tap_begin; run_test ...; tap_end

SWAPDISK=/dev/vda
KNOWN_FAILURES=${KNOWN_FAILURES:-/guest/known-failures.list}
FLAKY_LIST=${FLAKY_LIST:-/guest/flaky.list}
TAP_N=0
TAP_FAILED=0

tap() { echo "$*" >&3; }
say() { echo "guest: $*"; }

tap_begin() { tap "TAP version 13"; }
tap_end() {
	tap "1..$TAP_N"
	return "$TAP_FAILED"
}

# tap_result ok|fail|skip NAME [reason]
tap_result() {
	TAP_N=$((TAP_N + 1))
	case $1 in
	ok) tap "ok $TAP_N $2";;
	skip) tap "ok $TAP_N $2 # SKIP ${3:-}";;
	*) tap "not ok $TAP_N $2${3:+ # $3}"; TAP_FAILED=1;;
	esac
	say "$1: $2${3:+ ($3)}"
}

# run_test NAME CMD [ARGS...]: run CMD, its output goes into the TAP stream
# as comments.  Exit 0 is a pass; anything else (including kselftest's
# "skip" status 4: a suite that cannot run here is a failure) fails.
run_test() {
	capture "$@"
	if [ "$rc" = 0 ]; then
		tap_result ok "$name"
	elif [ "$rc" = 4 ]; then
		tap_result fail "$name" "exit 4: skipped as a whole, i.e. it did not run"
	else
		tap_result fail "$name" "exit $rc"
	fi
	say "$name took ${secs}s"
}

# capture NAME CMD [ARGS...]: run CMD with its output in /tmp/test.out and
# in the TAP stream as comments; sets name, rc and secs.  CMD's stdout is a
# pipe: kselftest.h makes it line-buffered, so results stream.
capture() {
	name=$1; shift
	say "running $name: $*"
	start=$(date +%s)
	: >/tmp/test.out
	# Each subtest's result reaches the console when it comes, with the
	# seconds since the start: where a long test spends its time.
	{ "$@" 2>&1; echo $? >/tmp/test.rc; } | while IFS= read -r line || [ -n "$line" ]; do
		printf '%s\n' "$line" >>/tmp/test.out
		case $line in
		"ok "*|"not ok "*) say "$name +$(( $(date +%s) - start ))s: $line";;
		esac
	done
	rc=$(cat /tmp/test.rc)
	sed 's/^/# /' /tmp/test.out >&3
	secs=$(( $(date +%s) - start ))
}

# cg_key FILE KEY: KEY's value in a flat keyed file (memory.stat,
# memory.events, /proc/vmstat-like), 0 if it has none.
cg_key() { awk -v k="$2" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' "$1"; }

# What swap holds, for the leak checks after a plan's processes exit.
swaps_used_kb() { awk 'NR > 1 { u += $4 } END { print u + 0 }' /proc/swaps; }
# debugfs_count FILE: a number from debugfs, 0 if there is none.
debugfs_count() {
	v=$(cat "/sys/kernel/debug/$1" 2>/dev/null)
	echo "${v:-0}"
}
zswap_stored() { debugfs_count zswap/stored_pages; }
vswap_slots() { debugfs_count vswap/slots_in_use; }
# Of those, the slots that only a folio in the swap cache holds (no swap
# count): reclaim frees them with the folio, as it does physical ones.
vswap_cache_only() { debugfs_count vswap/slots_cache_only; }
# reclaim_leftovers CG: reclaim what the cgroup, its processes gone, still
# has charged: a folio left in the swap cache frees its slot with it (on
# any device, in either mode).  memory.swap.high = 0 makes the cgroup's
# swap "full", so that reclaim also drops the slot of a dirty cache
# folio it only activates otherwise; swappiness=max, where the kernel
# has it, reclaims anon only.  Fewer pages than asked is no error here.
reclaim_leftovers() {
	echo 0 >"$1/memory.swap.high" 2>/dev/null
	if echo "0 swappiness=max" >"$1/memory.reclaim" 2>/dev/null; then
		echo "64M swappiness=max" >"$1/memory.reclaim" 2>/dev/null
	else
		echo 64M >"$1/memory.reclaim" 2>/dev/null
	fi
	:
}

# settle_memory: drop caches and compact, so that a test starts from the
# same state each time (THP tests need free PMD-sized blocks).
settle_memory() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	echo 1 >/proc/sys/vm/compact_memory
}

# failed_subtests FILE, passed_subtests FILE: the subtests of a TAP output
# that failed ("not ok") or passed ("ok"; a skip is neither).  A name that
# occurs more than once in the output (khugepaged runs its subtests in two
# contexts) gets " [N]" on its Nth occurrence, so that each is its own.
subtests_with() {
	awk -v want="$1" '
		match($0, /^(not )?ok [0-9]+ /) {
			st = ($0 ~ /^not /) ? "fail" : "pass"
			n = substr($0, RLENGTH + 1)
			# kselftest.h prints a skip as "ok N # SKIP name": it
			# counts as an occurrence of name, not as a pass.
			if (n ~ /^# SKIP /) {
				n = substr(n, 8)
				st = "skip"
			}
			if (n ~ / # SKIP/)
				st = "skip"
			sub(/ *#.*$/, "", n)
			if (n == "") next
			k = (++seen[n] > 1) ? n " [" seen[n] "]" : n
			if (st == want) print k
		}' "$2" | sort -u
}
failed_subtests() { subtests_with fail "$1"; }
passed_subtests() { subtests_with pass "$1"; }

# lines_in FILE [-v]: the lines of stdin that are (-v: are not) lines of FILE.
lines_in() {
	awk -v f="$1" -v neg="${2:-}" '
		BEGIN { while ((getline l <f) > 0) seen[l] = 1 }
		(neg == "" && ($0 in seen)) || (neg != "" && !($0 in seen))'
}

# run_kselftest NAME CMD [ARGS...]: like run_test, for a kselftest that
# prints TAP.
#
# Under TCG a few upstream subtests depend on timing or on how fragmented
# memory is: they fail now and then on the unchanged base kernel too, at the
# rates $FLAKY_LIST names (/guest/flaky.list).  So a run is repeated, from
# settled memory, up to KSELFTEST_RUNS times in all (default 3), only when
# every subtest it failed is listed there (or is a known failure), and, for
# a run that stopped early or exited non-zero with no failed subtest, only
# when NAME has an entry there (or, for a run that stopped early, a known
# failure "(program killed)": see guest/nodev-differences.list); any other
# failure ends the runs at once.
# NAME fails when a subtest failed in some run and passed in none (a run
# that was killed or bailed out half way says nothing of the subtests it
# did not reach), when a subtest that is not listed failed in any run, when
# the last run exited non-zero with no failed subtest, and when no run got
# through all its subtests (exactly as many results as its plan line, or
# exit 0).  Whatever passed only on a rerun, and every run that exited
# non-zero, is named in a "# flaky:" line when NAME passes in the end, and
# the closing line counts them (scripts/tap-summary.sh): never hidden.
#
# Failed subtests are compared with $KNOWN_FAILURES ("NAME<TAB>subtest<TAB>
# why", /guest/known-failures.list by default): one listed there is reported
# as a SKIP line of its own, with the reason; any other fails NAME.  A skip
# of the whole program (exit 4) is a failure at once.
run_kselftest() {
	runs=${KSELFTEST_RUNS:-3}
	run=0 full_runs=0 exits=''
	: >/tmp/test.failany
	: >/tmp/test.allout
	: >/tmp/test.passany
	: >/tmp/test.failed
	while :; do
		run=$((run + 1))
		if [ "$run" -gt 1 ]; then
			say "$name: rerun $run of $runs (failing: $(tr '\n' ' ' </tmp/test.failed);$exits)"
			tap "# $name: rerun $run of $runs"
			settle_memory
		fi
		capture "$@"
		cat /tmp/test.out >>/tmp/test.allout
		[ "$rc" = 0 ] || exits="$exits run $run exit $rc"
		full=0
		if [ "$rc" = 0 ] || ran_all_subtests /tmp/test.out; then
			full=1 full_runs=$((full_runs + 1))
		fi
		failed_subtests /tmp/test.out >/tmp/test.lastfail
		# A non-zero exit that no failed subtest explains.
		unexplained=0
		if [ "$rc" != 0 ] && [ "$full" = 1 ] && [ ! -s /tmp/test.lastfail ]; then
			unexplained=1
		fi
		failed_subtests /tmp/test.out | cat - /tmp/test.failany | sort -u >/tmp/test.u
		mv /tmp/test.u /tmp/test.failany
		passed_subtests /tmp/test.out | cat - /tmp/test.passany | sort -u >/tmp/test.u
		mv /tmp/test.u /tmp/test.passany
		lines_in /tmp/test.passany -v </tmp/test.failany >/tmp/test.failed
		case $rc in 0|4) break;; esac
		[ "$run" -lt "$runs" ] || break
		# A complete run whose failures are all known: more runs
		# would change nothing.
		[ "$full" = 1 ] && known_failures_only && break
		# Only failures measured as flaky on the base kernel get
		# another run.
		failures_rerunnable || break
		# A run that stopped early: only for a test with a flaky
		# entry, or whose known failures say it may be killed (an
		# entry for "(program killed)").
		if [ "$full" = 0 ]; then
			has_flaky_entry || [ -n "$(known_failure '(program killed)')" ] ||
				break
		fi
		[ "$unexplained" = 0 ] || has_flaky_entry || break
	done
	: >/tmp/test.unexpected
	while IFS= read -r sub; do
		why=$(known_failure "$sub")
		if [ -n "$why" ]; then
			tap_result skip "$name:$sub" "$why"
		else
			echo "$sub" >>/tmp/test.unexpected
		fi
	done </tmp/test.failed
	# Failed in one run, passed in another, and not measured as flaky.
	lines_in /tmp/test.passany </tmp/test.failany >/tmp/test.flaky
	while IFS= read -r sub; do
		[ -n "$(flaky_entry "$sub")" ] || [ -n "$(known_failure "$sub")" ] ||
			echo "$sub (failed in a run, passed in another; not in flaky.list)" >>/tmp/test.unexpected
	done </tmp/test.flaky
	unexpected=$(wc -l </tmp/test.unexpected)
	[ "${KSELFTEST_SUBTESTS:-0}" = 1 ] && subtest_results
	if [ "$rc" = 4 ]; then
		tap_result fail "$name" "exit 4: skipped as a whole, i.e. it did not run"
	elif [ "$full_runs" = 0 ]; then
		tap_result fail "$name" "no run got through all its subtests (killed, crashed or bailed out):$exits"
	elif [ "$unexpected" -gt 0 ]; then
		tap_result fail "$name" "$unexpected subtest(s) failed in $run run(s): $(tr '\n' ',' </tmp/test.unexpected)"
	elif [ "$unexplained" = 1 ]; then
		tap_result fail "$name" "exit $rc with no failed subtest (run $run)"
	else
		flaky=$(tr '\n' ' ' </tmp/test.flaky)
		if [ -n "$flaky" ]; then
			tap "# flaky: $name: failed in some of $run runs, passed in another: $flaky"
			say "flaky: $name: $flaky"
		fi
		if [ "$run" -gt 1 ] && [ -n "$exits" ]; then
			tap "# flaky: $name: non-zero exits in $run runs:$exits"
			say "flaky: $name:$exits"
		fi
		tap_result ok "$name"
	fi
	say "$name took ${secs}s (last run)"
}

# ran_all_subtests FILE: FILE reports as many results as its plan line
# announces (kselftest's "1..N").
ran_all_subtests() {
	plan=$(sed -n -E 's/^1\.\.([0-9]+).*$/\1/p' "$1" | head -n 1)
	got=$(grep -c -E '^(not )?ok [0-9]+' "$1")
	[ -n "$plan" ] && [ "$plan" -gt 0 ] && [ "$got" -eq "$plan" ]
}

# run_kselftest_list LIST: every kselftest in LIST ("<dir> <binary> <swap
# setup> [args]", see guest/selftests.list) from settled memory, in its swap
# setup, with /scratch (ext4) as its working directory: some tests need a
# real filesystem for their page cache.  SWAP_SETUP=NAME runs every test in
# that swap setup instead of the listed one.
run_kselftest_list() {
	while read -r dir test setup args; do
		case $dir in ''|'#'*) continue;; esac
		setup=${SWAP_SETUP:-$setup}
		settle_memory
		if ! swap_setup "$setup"; then
			tap_result fail "$dir:$test" "swap setup $setup failed"
			continue
		fi
		if [ ! -x "/selftests/$dir/$test" ]; then
			tap_result fail "$dir:$test" "not built"
			continue
		fi
		run_kselftest "$dir:$test" \
			sh -c "cd /scratch && /selftests/$dir/$test $args"
	done <"$1"
	swap_reset
}

# subtest_results: each top-level subtest of the last run (/tmp/test.out)
# as a TAP line of its own, "$name:<subtest>", so that the closing count
# shows them (KSELFTEST_SUBTESTS=1, for the series' own tests).
# A result line carries only the subtest's name ("ok 3 # SKIP name" for a
# skip, as kselftest.h prints it); the test's last "# name: ..." message
# before it says why, and goes with a skip or a failure.
subtest_results() {
	sed -n -E 's/^(not )?ok [0-9]+ (.*)$/\1|\2/p' /tmp/test.out >/tmp/test.subs
	while IFS='|' read -r neg sub; do
		case $sub in
		'# SKIP '*) sub=${sub#'# SKIP '}
			tap_result skip "$name:$sub" "$(subtest_message "$sub")";;
		*"# SKIP"*) tap_result skip "$name:${sub%% # *}" "${sub#*# SKIP}";;
		*) why=''
		   case $sub in *" # "*) why=${sub#* # } sub=${sub%% # *};; esac
		   if [ -n "$neg" ]; then
			tap_result fail "$name:$sub" "${why:-$(subtest_message "$sub")}"
		   else
			tap_result ok "$name:$sub"
		   fi;;
		esac
	done </tmp/test.subs
}

# subtest_message NAME: the last "# NAME: ..." message of /tmp/test.out.
subtest_message() {
	awk -v p="# $1: " 'index($0, p) == 1 { m = substr($0, length(p) + 1) } END { print m }' /tmp/test.out
}

# known_failure SUBTEST: the reason $KNOWN_FAILURES gives for SUBTEST of
# the kselftest $name, or nothing.  An entry with a fourth field names the
# failure by what the subtest prints: it applies only when every failed
# run of SUBTEST (in /tmp/test.allout, the output of all runs so far)
# printed that text since the result before it; a failure for another
# reason is not known.
known_failure() {
	awk -F '\t' -v n="$name" -v s="$1" '
		FNR == NR {
			if ($1 == n && $2 == s) { why = $3; want = $4; found = 1 }
			next
		}
		want == "" { next }
		/^(not )?ok [0-9]+ / {
			line = $0
			failed = line ~ /^not ok/
			sub(/^(not )?ok [0-9]+ /, "", line)
			sub(/ # .*$/, "", line)
			if (failed && line == s && !index(out, want))
				other = 1
			out = ""
			next
		}
		{ out = out $0 "\n" }
		END { if (found && !other) print why }' \
		"$KNOWN_FAILURES" /tmp/test.allout
}

# flaky_entry SUBTEST: the measured rate /guest/flaky.list gives for SUBTEST
# of the kselftest $name (" [N]", the Nth occurrence, is the same subtest).
flaky_entry() {
	awk -F '\t' -v n="$name" -v s="${1% \[[0-9]*\]}" \
		'$1 == n && $2 == s { print $3 }' "$FLAKY_LIST"
}
has_flaky_entry() {
	awk -F '\t' -v n="$name" '$1 == n { found = 1 } END { exit !found }' "$FLAKY_LIST"
}

# failures_rerunnable: every subtest the last run failed (/tmp/test.lastfail)
# is listed as flaky or known, so another run may tell a flake from a
# regression.
failures_rerunnable() {
	[ -s /tmp/test.lastfail ] || return 0
	while IFS= read -r sub; do
		[ -n "$(flaky_entry "$sub")" ] || [ -n "$(known_failure "$sub")" ] ||
			return 1
	done </tmp/test.lastfail
	return 0
}

# known_failures_only: every subtest in /tmp/test.failed is a known failure
# (and there is at least one), so running again would change nothing.
known_failures_only() {
	[ -s /tmp/test.failed ] || return 1
	while IFS= read -r sub; do
		[ -n "$(known_failure "$sub")" ] || return 1
	done </tmp/test.failed
	return 0
}

# Swap setups.  Each starts from "no swap" and leaves the named state.
zswap_enable() {
	echo "${1:-lz4}" >/sys/module/zswap/parameters/compressor
	echo Y >/sys/module/zswap/parameters/enabled
}
zswap_disable() { echo N >/sys/module/zswap/parameters/enabled; }

swap_reset() {
	swapoff -a 2>/dev/null
	if [ -e /sys/block/zram0/reset ]; then echo 1 >/sys/block/zram0/reset; fi
	zswap_disable
}

swap_disk_on() {
	mkswap "$SWAPDISK" >/dev/null || return 1
	swapon "$SWAPDISK"
}

swap_zram_on() {
	[ -e /sys/block/zram0 ] || { say "no /dev/zram0"; return 1; }
	echo "${2:-lz4}" >/sys/block/zram0/comp_algorithm
	echo "$1" >/sys/block/zram0/disksize
	mkswap /dev/zram0 >/dev/null || return 1
	swapon /dev/zram0
}

# swap_setup NAME [COMPRESSOR]: zswap-disk | disk | zswap-only | zram | none
swap_setup() {
	swap_reset
	case $1 in
	zswap-disk) swap_disk_on && zswap_enable "${2:-lz4}";;
	disk) swap_disk_on;;
	zswap-only) zswap_enable "${2:-lz4}";;
	zram) swap_zram_on "$(( $(mem_total_mb) * 2 ))M" "${2:-lz4}";;
	none) ;;
	*) say "unknown swap setup $1"; return 1;;
	esac
}

# cg_kill DIR: kill every process of cgroup DIR and wait (10 s at most)
# until it is empty, so that it can be removed.
cg_kill() {
	echo 1 >"$1/cgroup.kill"
	i=0
	while grep -q 'populated 1' "$1/cgroup.events" && [ "$i" -lt 50 ]; do
		sleep 0.2; i=$((i + 1))
	done
}

mem_total_mb() { awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo; }

vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
