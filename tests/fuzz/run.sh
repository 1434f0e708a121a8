#!/usr/bin/env bash
# shellcheck disable=SC2010,SC2012  # libFuzzer names its artifacts crash-<sha1> and the like: ls | grep is safe
# tests/fuzz/run.sh - build (if needed) and run the libFuzzer targets.
#
#   tests/fuzz/run.sh SECONDS [TARGET...]
#
# TARGET is batch, csv, catalog, policy or num (default: all of them); each
# runs for SECONDS of fuzzing. SECONDS=0 only replays the seed corpus and
# the regressions (a quick check for CI). Before fuzzing, every file of
# tests/fuzz/regressions/TARGET/ is replayed: one that still fails counts as
# a crash.
#
# Corpora: libFuzzer starts from tests/fuzz/corpus/TARGET/ (committed, small)
# and grows tests/fuzz/build/corpus/TARGET/ (not committed). A crash, leak,
# UB report, timeout or out-of-memory is saved under tests/fuzz/crashes/
# TARGET/ and minimized there (minimized-*); fuzzing then starts again for
# the rest of the time, up to FUZZ_MAX_CRASHES (3) times per target.
#
# Environment: CC (clang), FUZZ_SANITIZER (address, the default: ASan and
# UBSan; or thread: ThreadSanitizer, for the intake's parsing thread),
# FUZZ_JOBS (targets run at once, default 1),
# FUZZ_TIMEOUT (seconds per input, 10), FUZZ_RSS_MB (2048), FUZZ_ARGS (more
# libFuzzer options), FUZZ_OUT (where the binaries, logs and grown corpora
# go: tests/fuzz/build/ by default; the test suite uses its build folder).
#
# Prints, per target: run time, executions, exec/s, the final cov and ft,
# the corpus size and the crashes. Exit status: 0 when nothing failed (or
# when clang or its fuzzer runtime is missing: "skipped"), 1 when anything
# crashed, leaked, hit UB, timed out or ran out of memory, 2 on a usage or
# build error.
set -u

here=$(cd "$(dirname "$0")" && pwd)
all_targets="batch csv catalog policy num"
CC=${CC:-clang}
jobs=${FUZZ_JOBS:-1}
timeout=${FUZZ_TIMEOUT:-10}
rss=${FUZZ_RSS_MB:-2048}
max_crashes=${FUZZ_MAX_CRASHES:-3}

usage() {
	echo "usage: $0 SECONDS [TARGET...]   (targets: $all_targets)" >&2
	exit 2
}

[ $# -ge 1 ] || usage
budget=$1
shift
case $budget in '' | *[!0-9]*) usage ;; esac
targets=${*:-$all_targets}
for t in $targets; do
	case " $all_targets " in *" $t "*) ;; *) echo "unknown target: $t" >&2; usage ;; esac
done

# ---- can we build at all? ----------------------------------------------------
if ! command -v "$CC" >/dev/null 2>&1; then
	echo "fuzz: $CC not found: skipped"
	exit 0
fi
rtdir=$("$CC" --print-runtime-dir 2>/dev/null || true)
if [ -z "$rtdir" ] || ! ls "$rtdir"/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
	# older layouts keep the runtime elsewhere: ask the linker instead
	probe=$(mktemp -d)
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){return 0;}\n' >"$probe/p.c"
	if ! "$CC" -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
		rm -rf "$probe"
		echo "fuzz: $CC has no libFuzzer runtime (libclang-rt-*-dev): skipped"
		exit 0
	fi
	rm -rf "$probe"
fi
out=${FUZZ_OUT:-$here/build}
export FUZZ_OUT="$out"
bindir="$out"
[ "${FUZZ_SANITIZER:-address}" = thread ] && bindir="$out/tsan"
mkdir -p "$bindir"
if ! "$here/build.sh" >"$bindir/build.log" 2>&1; then
	cat "$bindir/build.log" >&2
	echo "fuzz: build failed" >&2
	exit 2
fi

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
mkdir -p "$bindir/logs"

max_len() {
	case $1 in
	batch) echo 32768 ;;
	catalog) echo 16384 ;;
	csv | policy) echo 8192 ;;
	num) echo 1024 ;;
	esac
}

# Add a libFuzzer log's executions to $execs; its last cov and ft to $cov
# and $ft (run_target's locals).
parse_stats() {
	local n last
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$1" | tail -1)
	execs=$((execs + ${n:-0}))
	last=$(grep -E '^#[0-9]+' "$1" | grep 'cov:' | tail -1)
	if [ -n "$last" ]; then
		cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
		ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	fi
}

# Run one target; writes its result line to build/logs/TARGET.result:
# "name seconds executions cov ft corpus crashes".
run_target() {
	local t=$1 bin="$bindir/fuzz_$1" work="$out/corpus/$1"
	local crashdir="$here/crashes/$1" log="$bindir/logs/$1.log"
	local dict="" execs=0 cov=- ft=- crashes=0 start end left rc
	mkdir -p "$work" "$crashdir"
	: >"$log"
	[ -f "$here/dict/$1.dict" ] && dict="-dict=$here/dict/$1.dict"
	start=$(date +%s)

	# the regressions: each must now pass
	if [ -d "$here/regressions/$1" ] && ls "$here/regressions/$1"/* >/dev/null 2>&1; then
		for f in "$here/regressions/$1"/*; do
			if ! "$bin" -runs=1 "$f" >>"$log" 2>&1; then
				echo "  $1: regression still fails: ${f#"$here"/}" >&2
				crashes=$((crashes + 1))
			fi
		done
	fi

	if [ "$budget" -eq 0 ]; then
		"$bin" -runs=0 -timeout="$timeout" -rss_limit_mb="$rss" -print_final_stats=1 \
			-artifact_prefix="$crashdir/" "$here/corpus/$1" >"$log.part" 2>&1
		rc=$?
		cat "$log.part" >>"$log"
		parse_stats "$log.part"
		[ $rc -ne 0 ] && crashes=$((crashes + 1))
	fi

	local rounds=0
	while [ "$budget" -gt 0 ]; do
		left=$((budget - ($(date +%s) - start)))
		[ "$left" -ge 5 ] || break
		local before after sublog="$log.part"
		before=$(ls "$crashdir" | grep -c -E '^(crash|leak|timeout|oom|slow-unit)-' || true)
		# shellcheck disable=SC2086
		"$bin" -max_total_time="$left" -timeout="$timeout" -rss_limit_mb="$rss" \
			-max_len="$(max_len "$1")" -print_final_stats=1 $dict ${FUZZ_ARGS:-} \
			-artifact_prefix="$crashdir/" "$work" "$here/corpus/$1" >"$sublog" 2>&1
		rc=$?
		cat "$sublog" >>"$log"
		parse_stats "$sublog"
		after=$(ls "$crashdir" | grep -c -E '^(crash|leak|timeout|oom|slow-unit)-' || true)
		if [ $rc -eq 0 ] && [ "$after" -eq "$before" ]; then
			break # the time is up
		fi
		crashes=$((crashes + 1))
		grep -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|PROPERTY BROKEN|SUMMARY:' \
			"$sublog" | head -5 | sed "s/^/  $1: /" >&2
		# minimize what was just saved (30 s at most each)
		for a in $(ls -t "$crashdir" | grep -E '^(crash|leak|timeout|oom)-' | head -$((after - before))); do
			"$bin" -minimize_crash=1 -max_total_time=30 -timeout="$timeout" \
				-exact_artifact_path="$crashdir/minimized-$a" "$crashdir/$a" >>"$log" 2>&1 || true
			echo "  $1: saved crashes/$1/$a (minimized: crashes/$1/minimized-$a)" >&2
		done
		rounds=$((rounds + 1))
		[ "$rounds" -lt "$max_crashes" ] || break
		[ $rc -ne 0 ] && [ "$after" -eq "$before" ] && break # failed without an artifact
	done
	rm -f "$log.part"
	end=$(date +%s)
	local corpus
	corpus=$(ls "$work" | wc -l)
	echo "$1 $((end - start)) $execs $cov $ft $corpus $crashes" >"$bindir/logs/$1.result"
}

running=0
for t in $targets; do
	rm -f "$bindir/logs/$t.result"
	run_target "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n 2>/dev/null || wait
		running=$((running - 1))
	fi
done
wait

status=0
printf '%-8s %8s %12s %8s %7s %7s %7s %8s\n' target seconds executions exec/s cov ft corpus crashes
for t in $targets; do
	r="$bindir/logs/$t.result"
	if [ ! -f "$r" ]; then
		printf '%-8s did not finish\n' "$t"
		status=1
		continue
	fi
	read -r name secs execs cov ft corpus crashes <"$r"
	rate=0
	[ "$secs" -gt 0 ] && rate=$((execs / secs))
	printf '%-8s %8s %12s %8s %7s %7s %7s %8s\n' "$name" "$secs" "$execs" "$rate" "$cov" "$ft" \
		"$corpus" "$crashes"
	[ "$crashes" -eq 0 ] || status=1
done
[ $status -eq 0 ] || echo "fuzz: failures found: see tests/fuzz/crashes/ and $bindir/logs/" >&2
exit $status
