#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: build the three bench kernels (configs/bench.config, no
# debug options) from the same base, boot one guest per (round, scenario,
# kernel, backend) with guest/plans/bench.sh, and write the report:
#   bench/results/<date>-<hash>.md    tables: mean +/- stddev, CV, delta vs base
#   bench/results/<date>-<hash>.csv   one row per run
#   bench/results/<date>-<hash>.json  the summary behind the tables
#   bench/results/<date>-<hash>-<scenario>.png   one bar chart per scenario
# Runs are interleaved (round 1: scenario 1 on every kernel/backend of the
# matrix, scenario 2 ..., then round 2 ...) so that drift of the host hits
# all kernels alike.  Guest logs: build/logs/bench/<timestamp>/<run>/.
#
# Env: ROUNDS (5), SIZE (full|small), TIMEOUT (seconds per guest),
#      SCENARIOS, KERNELS, BACKENDS (subsets of the defaults below),
#      ACCEL (tcg), RESULTS (report directory, default bench/results),
#      IMAGE_base/IMAGE_novswap/IMAGE_vswap (use this bzImage instead of
#      building that kernel; for debugging the bench itself),
#      RESUME (a log directory build/logs/bench/<timestamp> of a run that
#      was interrupted or killed: go on with its settings, skip the runs it
#      recorded; refused when a kernel or the bench guest changed since).
# Interrupt: Ctrl-C (the running guest is stopped and not recorded), or
# `touch <log directory>/stop` (stops after the running guest).
# Exits non-zero when data came back wrong, a kernel crashed or hung, or a
# run that the matrix expects to work failed; never on a slow number.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The matrix: which backends each kernel runs, with which compressor, and
# whether the run is expected to work.  A run expected to "fail" (zswap
# without a swap device on a kernel without vswap) is recorded as failed,
# not reported as an error; wrong data is an error everywhere.  To see the
# base kernel fail without a swap device, add: base zswap-only zstd fail.
# Backends: zswap-disk, zswap-only, disk (zswap off; swapoff only), zram
# (guest/plans/bench.sh).
#  kernel   backend     compressor  expect
MATRIX='
base      zswap-disk  zstd        ok
base      zswap-disk  lzo         ok
base      zram        zstd        ok
novswap   zswap-disk  zstd        ok
novswap   zswap-disk  lzo         ok
vswap     zswap-disk  zstd        ok
vswap     zswap-disk  lzo         ok
vswap     zswap-only  zstd        ok
base      disk        none        ok
novswap   disk        none        ok
vswap     disk        none        ok
'
# The scenarios, in the order each round runs them (guest/plans/bench.sh).
ALL_SCENARIOS="usemem memhog build zero swapoff metadata"

# RESUME: the interrupted run's own settings, from its meta.txt.
RESUME=${RESUME:-}
meta_get() { # key -> value in $RESUME/meta.txt (the first one)
	sed -n "s/^$1=//p" "$RESUME/meta.txt" | head -n 1
}
if [ -n "$RESUME" ]; then
	[ -d "$RESUME" ] ||
		die "RESUME=$RESUME: no such directory (give the log directory of a run: build/logs/bench/<timestamp>)"
	RESUME=$(cd "$RESUME" && pwd)
	if [ ! -s "$RESUME/meta.txt" ] || [ ! -f "$RESUME/runs.txt" ]; then
		die "RESUME=$RESUME: no meta.txt and runs.txt there: not the log directory of a make bench run"
	fi
	for v in ROUNDS SIZE SCENARIOS ACCEL KERNELS BACKENDS; do
		[ -z "${!v:-}" ] || log "RESUME: $v=${!v} ignored: the run goes on with the settings it started with"
	done
	unset KERNELS BACKENDS
	ROUNDS=$(meta_get rounds) SIZE=$(meta_get size) SCENARIOS=$(meta_get scenarios) ACCEL=$(meta_get accel)
	TIMEOUT=${TIMEOUT:-$(meta_get timeout)}
	[ "$(meta_get mem_mb)/$(meta_get smp)" = "1024/2" ] ||
		die "RESUME=$RESUME: the run used a $(meta_get mem_mb) MiB, $(meta_get smp) vCPU guest, this script boots 1024 MiB, 2 vCPUs"
fi
ROUNDS=${ROUNDS:-5}
SIZE=${SIZE:-full}
SCENARIOS=${SCENARIOS:-$ALL_SCENARIOS}
ACCEL=${ACCEL:-tcg}
MEM=1024
SMP=2

# Workload sizes in MiB.  R is the memory a workload competes for.
#   full:  R = the guest's RAM (global reclaim).
#   small: R = 128: usemem, memhog and zero run in a memory cgroup with
#          memory.max=128M (the guest keeps 1 GiB), so they swap as much,
#          relative to their memory, as the full run, in a fraction of the
#          time.  swapoff/metadata hold less; build runs fewer, smaller
#          workers, 4 at a time, under a lower memory.max.
# build's memory.max is 3/4 of what its running workers allocate on
# average: their hot parts fit, their cold parts swap (more pressure turns
# it into thrashing: every access a fault).
case $SIZE in
full)
	R=$MEM BOX_MB=0 HOLD_MB=$((MEM / 2)) DISK_MB=4096
	BUILD_ARGS=(wb.jobs=8 wb.procs=64 wb.min_mb=32 wb.max_mb=64 wb.memmax_mb=288)
	TIMEOUT=${TIMEOUT:-3600};;
small)
	R=128 BOX_MB=128 HOLD_MB=96 DISK_MB=2048
	BUILD_ARGS=(wb.jobs=4 wb.procs=16 wb.min_mb=12 wb.max_mb=24 wb.memmax_mb=56)
	TIMEOUT=${TIMEOUT:-900};;
*) die "SIZE must be full or small (got '$SIZE')";;
esac
size_of() { # scenario -> wb.size_mb
	case $1 in
	usemem) echo $((R * 7 / 4));;	# 1.75x
	memhog) echo $((R * 3));;	# 3x
	zero) echo $((R * 3 / 2));;	# 1.5x
	swapoff|metadata) echo "$HOLD_MB";;
	build) echo 0;;
	esac
}
# swapoff needs a swap device to switch off; the disk backend (zswap off)
# is there for swapoff only: with zswap on, a vswap kernel keeps the data
# in zswap and the device holds nothing, so only disk compares swapoff of
# a device that holds the data (directly mapped on base, backing vswap
# slots on vswap).
applies() { # scenario backend
	case $1/$2 in
	swapoff/zswap-only) return 1;;
	swapoff/*) return 0;;
	*/disk) return 1;;
	esac
}
# The number a progress line shows for a run.
headline() { # scenario
	case $1 in
	usemem|zero) echo "fill_kbps KB/s";;
	memhog) echo "fill_ms ms";;
	build) echo "wall_ms ms";;
	swapoff) echo "swapoff_ms ms";;
	metadata) echo "bpp_named B/page";;
	esac
}

for s in $SCENARIOS; do
	case " $ALL_SCENARIOS " in *" $s "*) ;; *) die "unknown scenario '$s' (one of: $ALL_SCENARIOS)";; esac
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive number (got '$ROUNDS')"

# The matrix rows, filtered by KERNELS and BACKENDS (RESUME: the run's rows).
rows=()
matrix=$MATRIX
[ -z "$RESUME" ] || matrix=$(sed -n 's/^matrix=//p' "$RESUME/meta.txt")
while read -r k b c e; do
	[ -n "$k" ] || continue
	case $k/$b/$e in
	base/*/ok|base/*/fail|novswap/*/ok|novswap/*/fail|vswap/*/ok|vswap/*/fail) ;;
	*) die "bad matrix row '$k $b $c $e' (kernel base|novswap|vswap, expect ok|fail)";;
	esac
	if [ -n "${KERNELS:-}" ] && [[ " $KERNELS " != *" $k "* ]]; then continue; fi
	if [ -n "${BACKENDS:-}" ] && [[ " $BACKENDS " != *" $b "* ]]; then continue; fi
	rows+=("$k $b $c $e")
done <<<"$matrix"
[ "${#rows[@]}" -gt 0 ] || die "no matrix row left after KERNELS='${KERNELS:-}' BACKENDS='${BACKENDS:-}'"
kernels=$(printf '%s\n' "${rows[@]}" | awk '!seen[$1]++ { print $1 }')

if [ -n "$RESUME" ]; then
	OUT=$RESUME
	# Sizes the script would give now must be the ones the run started with.
	for s in $SCENARIOS; do
		[ "$(meta_get "size_$s")" = "$(size_of "$s")" ] ||
			die "RESUME: $s would now run with $(size_of "$s") MiB, the run used $(meta_get "size_$s") MiB: start a new run"
	done
	[ "$(meta_get build_args)" = "${BUILD_ARGS[*]}" ] ||
		die "RESUME: build's arguments changed since the run started: start a new run"
else
	OUT=$LOGS/bench/$(date +%Y%m%d-%H%M%S)
fi
RESULTS=${RESULTS:-$TOP/bench/results}
mkdir -p "$OUT" "$RESULTS"
RUNS=$OUT/runs.txt
META=$OUT/meta.txt
[ -n "$RESUME" ] || : >"$RUNS"
rm -f "$OUT/stop"

# --- kernels and initramfs -------------------------------------------------
declare -A IMAGE=()
start_all=$(date +%s)
for k in $kernels; do
	var=IMAGE_$k
	if [ -n "${!var:-}" ]; then
		[ -f "${!var}" ] || die "$var=${!var}: no such file"
		IMAGE[$k]=${!var}
		log "kernel $k: ${!var} (from $var, not built)"
	else
		IMAGE[$k]=$(VARIANT=$k PROFILE=bench "$TOP/scripts/build-kernel.sh") ||
			die "building the $k bench kernel failed"
	fi
done
"$TOP/scripts/build-initramfs.sh"
# What the guest runs for the bench (the kselftests in the initramfs play
# no part): a resumed run must use the same.
guest_hash=$(cat "$TOP/guest/init" "$TOP/guest/lib.sh" "$TOP/guest/plans/bench.sh" \
	"$TOP"/guest/*.c "$TOP"/guest/*.h | sha256sum | cut -c1-12)

if [ -n "$RESUME" ]; then
	for k in $kernels; do
		was=$(meta_get "image_$k" | awk '{ print $2 }')
		now=$(sha256sum "${IMAGE[$k]}" | cut -c1-12)
		[ "$was" = "$now" ] ||
			die "RESUME: the $k kernel is not the one the run started with (sha256 $now, was $was): the series or its config changed; start a new run"
	done
	was=$(meta_get bench_guest)
	[ "$was" = "$guest_hash" ] ||
		die "RESUME: the bench guest (guest/plans/bench.sh, guest/*.c, ...) changed since the run started ($guest_hash, was ${was:-not recorded}): start a new run"
fi

# --- what the report states about this run ---------------------------------
write_meta() {
	local repo_hash linux_hash
	repo_hash=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo none)
	if [ -n "$(git -C "$TOP" status --porcelain -- . ':!bench/results' 2>/dev/null)" ]; then
		repo_hash=$repo_hash-dirty
	fi
	linux_hash=$(git -C "$LINUX" rev-parse --short HEAD)
	if [ -n "$(git -C "$LINUX" status --porcelain --untracked-files=no)" ]; then
		linux_hash=$linux_hash-dirty
	fi
	NAME=$(date +%Y-%m-%d-%H%M)-${repo_hash%-dirty}
	{
		echo "date=$(date '+%Y-%m-%d %H:%M:%S %z')"
		echo "name=$NAME"
		echo "repo_hash=$repo_hash"
		echo "linux_hash=$linux_hash"
		echo "linux_base=$(git -C "$LINUX" rev-parse --short 'base^{commit}')"
		echo "linux_commits=$(git -C "$LINUX" rev-list --count base..HEAD)"
		if grep -q '^config VSWAP$' "$LINUX/mm/Kconfig"; then echo "vswap_kconfig=yes"; else echo "vswap_kconfig=no"; fi
		echo "accel=$ACCEL"
		echo "mem_mb=$MEM"
		echo "smp=$SMP"
		echo "rounds=$ROUNDS"
		echo "size=$SIZE"
		echo "box_mb=$BOX_MB"
		echo "disk_mb=$DISK_MB"
		echo "timeout=$TIMEOUT"
		echo "scenarios=$SCENARIOS"
		for s in $SCENARIOS; do echo "size_$s=$(size_of "$s")"; done
		echo "build_args=${BUILD_ARGS[*]}"
		for r in "${rows[@]}"; do echo "matrix=$r"; done
		for k in $kernels; do
			echo "image_$k=${IMAGE[$k]#"$TOP"/} $(sha256sum "${IMAGE[$k]}" | cut -c1-12)"
		done
		echo "host_cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
		echo "host_cpus=$(nproc)"
		echo "qemu=$(qemu-system-x86_64 --version | head -n 1)"
		echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
		echo "logs=${OUT#"$TOP"/}"
		echo "bench_guest=$guest_hash"
	} >"$META"
}

# A resumed run keeps its meta.txt (name, date, hashes of its start) and
# adds a resumed= line per session; the end-of-session lines go, they are
# written again at the end.  bench_seconds_before: the time of the earlier
# sessions (a session killed before it wrote bench_seconds counts its
# guests' time).
resume_meta() {
	local before
	before=$(meta_get bench_seconds)
	if [ -z "$before" ]; then
		before=$(sed -n 's/.* guest_s=\([0-9]*\) .*/\1/p' "$RUNS" | awk '{ s += $1 } END { print s + 0 }')
	fi
	NAME=$(meta_get name)
	grep -Ev '^(load_end|bench_seconds|bench_seconds_before|total_seconds|runs_planned|runs_done|interrupted)=' \
		"$META" >"$META.tmp"
	{
		echo "resumed=$(date '+%Y-%m-%d %H:%M:%S %z'), repo $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo none), load $(cut -d' ' -f1-3 /proc/loadavg), $(wc -l <"$RUNS") run(s) recorded before"
		echo "bench_seconds_before=$before"
	} >>"$META.tmp"
	mv "$META.tmp" "$META"
}

if [ -n "$RESUME" ]; then
	resume_meta
else
	write_meta
fi
prev_bench_s=$(sed -n 's/^bench_seconds_before=//p' "$META")
prev_bench_s=${prev_bench_s:-0}

# --- the runs --------------------------------------------------------------
total=0
for s in $SCENARIOS; do
	for r in "${rows[@]}"; do
		read -r _ b _ _ <<<"$r"
		if applies "$s" "$b"; then total=$((total + 1)); fi
	done
done
total=$((total * ROUNDS))

# Ctrl-C: stop the guest that runs (not recorded), write a report of the
# runs done into the log directory; RESUME= goes on from there.
stop=0
guest_pid=
on_signal() {
	stop=1
	log "interrupted: stopping the current guest (not recorded), then writing a report of the runs so far"
	if [ -n "$guest_pid" ]; then
		# run-guest.sh waits for `timeout`, which runs QEMU in its own
		# process group: stop that one, run-guest.sh then cleans up.
		for p in $(pgrep -P "$guest_pid" 2>/dev/null || true); do
			kill -TERM "$p" 2>/dev/null || true
		done
	fi
}
trap on_signal INT TERM

hms() { printf '%d:%02d:%02d' $(($1 / 3600)) $(($1 % 3600 / 60)) $(($1 % 60)); }
kv() { # key line -> value
	sed -n "s/.*\(^\| \)$1=\([^ ]*\).*/\2/p" <<<"$2" | head -n 1
}

# The runs recorded already (RESUME), and their outcomes.
declare -A recorded=()
n=0 problems=0 corrupt=0 expected_fail=0
while IFS=$'\t' read -r line _; do
	name=$(kv run "$line")
	[ -n "$name" ] || continue
	recorded[$name]=1
	n=$((n + 1))
	case $(kv problem "$line")/$(kv result "$line") in
	yes/corrupt) problems=$((problems + 1)) corrupt=$((corrupt + 1));;
	yes/*) problems=$((problems + 1));;
	no/ok) ;;
	*) expected_fail=$((expected_fail + 1));;
	esac
done <"$RUNS"
ran=0
bench_start=$(date +%s)
log "bench: ${#rows[@]} kernel/backend pairs x $(wc -w <<<"$SCENARIOS") scenarios x $ROUNDS round(s) = $total guests ($SIZE, ${MEM} MiB, $SMP vCPUs, $ACCEL); logs: ${OUT#"$TOP"/}"
[ "$n" = 0 ] || log "RESUME: $n of $total runs recorded already, $((total - n)) to go"

run_one() { # round scenario kernel backend comp expect
	local round=$1 s=$2 k=$3 b=$4 c=$5 e=$6
	local name=r$round-$s-$k-$b-$c rundir line verdict status result reason
	local append grc=0 t0 secs hl unit
	rundir=$OUT/$name
	append="wb.scenario=$s wb.backend=$b wb.comp=$c wb.size_mb=$(size_of "$s")"
	append="$append wb.box_mb=$BOX_MB wb.swap_mb=$DISK_MB ${BUILD_ARGS[*]}"
	n=$((n + 1)) ran=$((ran + 1))
	printf '[%3d/%d %s] round %d/%d  %-8s %-8s %-16s ' "$n" "$total" \
		"$(hms $(( $(date +%s) - bench_start )))" "$round" "$ROUNDS" "$s" "$k" "$b/$c"
	t0=$(date +%s)
	APPEND=$append MEM=$MEM SMP=$SMP ACCEL=$ACCEL DISK_MB=$DISK_MB TIMEOUT=$TIMEOUT \
		"$TOP/scripts/run-guest.sh" "${IMAGE[$k]}" bench "$rundir" >"$OUT/$name.log" 2>&1 &
	guest_pid=$!
	set +e
	wait "$guest_pid"; grc=$?
	while [ "$grc" -gt 128 ] && kill -0 "$guest_pid" 2>/dev/null; do
		wait "$guest_pid"; grc=$?
	done
	set -e
	guest_pid=
	secs=$(( $(date +%s) - t0 ))
	mkdir -p "$rundir"
	mv "$OUT/$name.log" "$rundir/host.log"
	if [ "$stop" = 1 ]; then
		n=$((n - 1)) ran=$((ran - 1))
		echo "interrupted (not recorded)"
		return
	fi

	status=$(cat "$rundir/status" 2>/dev/null || echo none)
	line=$(tap_comment bench "$rundir/tap.log" | head -n 1 || true)
	verdict=$(tap_results "$rundir/tap.log" | grep -E '^(not )?ok [0-9]+ bench' | head -n 1 || true)
	result='' reason=''
	if ! "$TOP/scripts/check-splats.sh" "$rundir/console.log" >"$rundir/splat.txt" 2>&1; then
		result=crash
		reason="kernel splat: $(sed -n 's/^  line [0-9]*: *//p' "$rundir/splat.txt" | head -n 1)"
	elif [ "$status" = timeout ]; then
		result=crash reason="the guest hung (no end after ${TIMEOUT}s)"
	elif [ "$status" = noreport ] || [ "$status" = none ]; then
		result=crash reason="the guest ended without a status (panic, reboot or QEMU error)"
	elif [ -z "$line" ] || [ -z "$verdict" ]; then
		result=error reason="the guest printed no result (status $status)"
	else
		result=$(kv result "$line")
		case $verdict in
		"not ok "*"# "*) reason=${verdict#*# };;
		"not ok "*) reason="not ok without a reason";;
		esac
		if [ "$result" = ok ] && [ "$status" != 0 ]; then
			result=error reason="data verified but the guest ended with status $status"
		fi
	fi
	[ -n "$result" ] || { result=error; reason="no result= in the bench line"; }

	local problem=no
	if [ "$result" = corrupt ]; then
		problem=yes corrupt=$((corrupt + 1))
	elif [ "$result" != ok ] && [ "$e" = ok ]; then
		problem=yes
	elif [ "$result" != ok ]; then
		expected_fail=$((expected_fail + 1))
	fi
	[ "$problem" = no ] || problems=$((problems + 1))

	local verified=no
	[ "$result" != ok ] || verified=yes
	printf '%s kernel=%s backend=%s comp=%s scenario=%s round=%s expect=%s result=%s verified=%s problem=%s guest_s=%s run=%s\t%s\n' \
		"$line" "$k" "$b" "$c" "$s" "$round" "$e" "$result" "$verified" "$problem" "$secs" "$name" \
		"$reason" >>"$RUNS"

	read -r hl unit <<<"$(headline "$s")"
	if [ "$result" = ok ]; then
		printf 'ok      %s %s  (guest %ss)\n' "$(kv "$hl" "$line")" "$unit" "$secs"
	elif [ "$problem" = no ]; then
		printf '%-7s expected: %s  (guest %ss)\n' "$result" "$reason" "$secs"
	else
		printf '%-7s PROBLEM: %s  (guest %ss; %s)\n' "$result" "$reason" "$secs" "${rundir#"$TOP"/}"
	fi
}

for round in $(seq 1 "$ROUNDS"); do
	for s in $SCENARIOS; do
		for r in "${rows[@]}"; do
			read -r k b c e <<<"$r"
			applies "$s" "$b" || continue
			[ -z "${recorded[r$round-$s-$k-$b-$c]:-}" ] || continue
			run_one "$round" "$s" "$k" "$b" "$c" "$e"
			if [ "$stop" = 0 ] && [ -e "$OUT/stop" ]; then
				rm -f "$OUT/stop"
				stop=1
				log "stop requested ($OUT/stop): writing a report of the runs so far"
			fi
			[ "$stop" = 0 ] || break 3
		done
	done
	done_s=$(( $(date +%s) - bench_start ))
	if [ "$round" -lt "$ROUNDS" ] && [ "$ran" -gt 0 ]; then
		log "round $round/$ROUNDS done, $(hms "$done_s") so far; about $(hms $(( done_s * (total - n) / ran ))) to go"
	fi
done
trap - INT TERM

{
	echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "bench_seconds=$(( prev_bench_s + $(date +%s) - bench_start ))"
	echo "total_seconds=$(( $(date +%s) - start_all ))"
	echo "runs_planned=$total"
	echo "runs_done=$(wc -l <"$RUNS")"
	[ "$stop" = 0 ] || echo "interrupted=yes"
} >>"$META"

# --- the report ------------------------------------------------------------
# Debian's python3 has python3-matplotlib; another python3 first in PATH may not.
PY=python3
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import matplotlib' >/dev/null 2>&1; then PY=$p; break; fi
done
# An interrupted run's report stays beside its logs: it is not a result
# until the run is complete.
report=$RESULTS/$NAME
[ "$stop" = 0 ] || report=$OUT/partial/$NAME
"$PY" "$TOP/scripts/bench-report.py" --runs "$RUNS" --meta "$META" --out "$report" ||
	die "writing the report failed; the raw results are in ${RUNS#"$TOP"/}"

echo
echo "=== make bench: $(wc -l <"$RUNS") of $total runs, $ran in $(hms $(( $(date +%s) - bench_start ))) ==="
echo "report: ${report#"$TOP"/}.md"
[ "$expected_fail" = 0 ] || echo "$expected_fail run(s) failed as the matrix expects (recorded, not an error)"
if [ "$stop" = 1 ]; then
	echo "INTERRUPTED: the report covers the runs done so far; go on with:"
	echo "  make bench RESUME=${OUT#"$TOP"/}"
	exit 130
fi
if [ "$problems" -gt 0 ]; then
	echo "FAIL: $problems run(s) with a problem ($corrupt with wrong data); see the report's Problems section"
	exit 1
fi
echo "PASS: every run's data verified (or failed as expected)"
