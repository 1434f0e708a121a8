#!/bin/sh
# tools/lint.sh - static analysis of engine/ with clang-tidy and cppcheck.
#
#   tools/lint.sh                  both tools, suppressions applied
#   tools/lint.sh --tidy           clang-tidy only
#   tools/lint.sh --cppcheck       cppcheck only
#   tools/lint.sh --no-suppress    ignore both suppression files (triage view)
#
# Configuration: .clang-tidy (checks, with the reason for each one that is
# off), tools/clang-tidy-suppressions.txt and tools/cppcheck-suppressions.txt
# (per file and check, each with its reason). Triage: tools/FINDINGS.md.
#
# Exit status: 0 no finding (a tool that is not installed is reported as
# "skipped" and does not fail the run), 1 findings, 2 a tool could not run
# (no compilation database, a crash, a bad suppression file).
#
# Environment: LINT_BUILD_DIR (default build; created with `meson setup` if
# it has no compile_commands.json), LINT_JOBS (default: the number of CPUs),
# CLANG_TIDY, RUN_CLANG_TIDY, CPPCHECK (binaries, found on PATH otherwise;
# RUN_CLANG_TIDY= empty runs clang-tidy file by file without the wrapper).
# Full outputs are kept in $LINT_OUT (default build-lint/, ignored by git).
set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)

RUN_TIDY=1 RUN_CPPCHECK=1 SUPPRESS=1
for arg in "$@"; do
	case $arg in
	--tidy) RUN_CPPCHECK=0 ;;
	--cppcheck) RUN_TIDY=0 ;;
	--no-suppress) SUPPRESS=0 ;;
	-h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "lint: unknown argument $arg (try --help)" >&2; exit 2 ;;
	esac
done

BUILD=${LINT_BUILD_DIR:-build}
JOBS=${LINT_JOBS:-$(nproc 2>/dev/null || echo 2)}
OUT=${LINT_OUT:-build-lint}
TIDY_SUPP=tools/clang-tidy-suppressions.txt
CPPCHECK_SUPP=tools/cppcheck-suppressions.txt
mkdir -p "$OUT" || exit 2
if [ "$SUPPRESS" = 0 ]; then
	: >"$OUT/no-suppressions.txt"
	TIDY_SUPP=$OUT/no-suppressions.txt
	CPPCHECK_SUPP=$OUT/no-suppressions.txt
fi

first() { # first BINARY... : the first one on PATH
	for b in "$@"; do
		command -v "$b" 2>/dev/null && return 0
	done
	return 1
}

PY=$(first python3) || { echo "lint: python3 is needed (meson needs it too)" >&2; exit 2; }
FILTER="$PY tools/lint_filter.py"

# every suppression must say why
[ -f tools/clang-tidy-suppressions.txt ] && { $FILTER check-supp tools/clang-tidy-suppressions.txt || exit 2; }
[ -f tools/cppcheck-suppressions.txt ] && { $FILTER check-supp --cppcheck tools/cppcheck-suppressions.txt || exit 2; }

# The sources: every C file of the engine (headers come in through them; the
# generated schema_sql.c in the build folder is not ours to lint).
FILES=$(find engine -name '*.c' | LC_ALL=C sort)
[ -n "$FILES" ] || { echo "lint: no C files under engine/" >&2; exit 2; }

DB=$BUILD/compile_commands.json
if [ ! -f "$DB" ]; then
	if command -v meson >/dev/null 2>&1; then
		echo "lint: no $DB, running meson setup $BUILD" >&2
		meson setup "$BUILD" >"$OUT/meson-setup.log" 2>&1 || {
			cat "$OUT/meson-setup.log" >&2
			echo "lint: meson setup failed" >&2
			exit 2
		}
	else
		echo "lint: no $DB and no meson to make it" >&2
		exit 2
	fi
fi
# Files the database does not know yet (added since the last build) are
# still linted: clang-tidy borrows the flags of a neighbour, cppcheck gets
# the include folders and macros of the build.
MISSING=$($FILTER missing "$DB" $FILES)
if [ -n "$MISSING" ]; then
	echo "lint: not in $DB (run ninja -C $BUILD to refresh it), linted with borrowed flags:" >&2
	printf '  %s\n' $MISSING >&2
fi

TIDY_STATUS=skipped TIDY_N=0 TIDY_SUPPRESSED=0
CPP_STATUS=skipped CPP_N=0
FAILED=0

# ---- clang-tidy ---------------------------------------------------------------
if [ "$RUN_TIDY" = 1 ]; then
	CT=$(first ${CLANG_TIDY:-clang-tidy clang-tidy-14 clang-tidy-15 clang-tidy-16}) || CT=
	if [ -z "$CT" ]; then
		echo "clang-tidy: skipped (not installed; apt-get install clang-tidy)"
	else
		echo "clang-tidy: $($CT --version | grep -o 'version [0-9.]*'), $JOBS jobs ..."
		RAW=$OUT/clang-tidy.raw
		: >"$RAW"
		if [ "${RUN_CLANG_TIDY-unset}" = "" ]; then
			RCT= # RUN_CLANG_TIDY= (empty): the plain loop
		else
			RCT=$(first ${RUN_CLANG_TIDY:-run-clang-tidy run-clang-tidy-14 run-clang-tidy-15 run-clang-tidy-16}) || RCT=
		fi
		rc=0
		if [ -n "$RCT" ]; then
			# run-clang-tidy runs what the database lists; its argument is a
			# regex over absolute paths: the engine's C files, not the
			# generated schema_sql.c of the build folder.
			re="^$(printf '%s' "$ROOT" | sed 's/[][().*+?^$|\\]/\\&/g')/engine/.*[.]c\$"
			"$RCT" -p "$BUILD" -j "$JOBS" -quiet -clang-tidy-binary "$(command -v "$CT")" "$re" \
				>>"$RAW" 2>"$OUT/clang-tidy.stderr" || rc=$?
			LOOP=$MISSING
		else
			LOOP=$FILES
		fi
		if [ -n "$LOOP" ]; then
			printf '%s\n' $LOOP | xargs -P "$JOBS" -n 1 "$CT" -p "$BUILD" --quiet \
				>>"$RAW" 2>>"$OUT/clang-tidy.stderr" || rc=$?
		fi
		$FILTER tidy "$BUILD" "$TIDY_SUPP" "$RAW" >"$OUT/clang-tidy.txt" || exit 2
		read -r TIDY_N TIDY_SUPPRESSED <"$RAW.counts"
		if grep -q 'Error while processing\|Segmentation fault\|Stack dump' "$RAW" "$OUT/clang-tidy.stderr"; then
			if [ "$TIDY_N" -eq 0 ]; then
				echo "clang-tidy: failed to run; see $OUT/clang-tidy.stderr" >&2
				FAILED=1
			fi
		elif [ "$rc" -ne 0 ] && [ "$TIDY_N" -eq 0 ]; then
			echo "clang-tidy: exited $rc with no finding; see $OUT/clang-tidy.stderr" >&2
			FAILED=1
		fi
		cat "$OUT/clang-tidy.txt"
		grep '^stale ' "$RAW.counts" | sed 's/^stale /clang-tidy: note: suppression matched nothing (stale?) /'
		TIDY_STATUS=ran
	fi
fi

# ---- cppcheck -----------------------------------------------------------------
if [ "$RUN_CPPCHECK" = 1 ]; then
	CC_BIN=$(first ${CPPCHECK:-cppcheck}) || CC_BIN=
	if [ -z "$CC_BIN" ]; then
		echo "cppcheck: skipped (not installed; apt-get install cppcheck)"
	else
		echo "cppcheck: $($CC_BIN --version) ..."
		RAW=$OUT/cppcheck.raw
		: >"$RAW"
		# posix and sqlite3: the APIs the engine calls most (leaks of fds and
		# statements, argument checks); tools/cppcheck.cfg: our own.
		set -- --enable=warning,performance,portability,style --std=c11 --inline-suppr \
			--error-exitcode=1 --suppressions-list="$CPPCHECK_SUPP" -I engine \
			--library=posix --library=sqlite3 -j "$JOBS" -q \
			--template='{file}:{line}:{column}: {severity}: {message} [{id}]'
		[ -f tools/cppcheck.cfg ] && set -- "$@" --library=tools/cppcheck.cfg
		rc=0
		# the database's engine/ entries only (not the generated schema_sql.c,
		# which cppcheck refuses when it has not been generated yet)
		$FILTER subdb "$DB" "$OUT/compile_commands.json" || exit 2
		"$CC_BIN" "$@" --project="$OUT/compile_commands.json" 2>>"$RAW" >"$OUT/cppcheck.stdout" || rc=$?
		if [ -n "$MISSING" ]; then
			# the macros of the build (meson.build), for files not in the database
			"$CC_BIN" "$@" -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 \
				$MISSING 2>>"$RAW" >>"$OUT/cppcheck.stdout" || rc=$?
		fi
		$FILTER cppcheck "$RAW" >"$OUT/cppcheck.txt" || exit 2
		CPP_N=$(grep -c . "$OUT/cppcheck.txt")
		if grep -q '^cppcheck: error' "$OUT/cppcheck.stdout" "$RAW"; then
			grep -h '^cppcheck: error' "$OUT/cppcheck.stdout" "$RAW" >&2
			FAILED=1
		elif [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
			echo "cppcheck: exited $rc; see $RAW" >&2
			FAILED=1
		elif [ "$rc" -eq 1 ] && [ "$CPP_N" -eq 0 ]; then
			echo "cppcheck: exited 1 with no finding; see $RAW" >&2
			FAILED=1
		fi
		cat "$OUT/cppcheck.txt"
		CPP_STATUS=ran
	fi
fi

# ---- summary ------------------------------------------------------------------
echo
echo "lint summary ($(printf '%s\n' $FILES | wc -l | tr -d ' ') files under engine/):"
if [ "$TIDY_STATUS" = ran ]; then
	echo "  clang-tidy: $TIDY_N finding(s), $TIDY_SUPPRESSED suppressed ($OUT/clang-tidy.txt)"
	[ "$TIDY_N" -gt 0 ] && sed -n 's/.*\[\([^]]*\)\]$/\1/p' "$OUT/clang-tidy.txt" | sort | uniq -c | sort -rn | sed 's/^/    /'
else
	echo "  clang-tidy: skipped"
fi
if [ "$CPP_STATUS" = ran ]; then
	echo "  cppcheck:   $CPP_N finding(s) ($OUT/cppcheck.txt)"
	[ "$CPP_N" -gt 0 ] && sed -n 's/.*\[\([^]]*\)\]$/\1/p' "$OUT/cppcheck.txt" | sort | uniq -c | sort -rn | sed 's/^/    /'
else
	echo "  cppcheck:   skipped"
fi
[ "$FAILED" = 1 ] && { echo "lint: a tool failed to run"; exit 2; }
if [ $((TIDY_N + CPP_N)) -gt 0 ]; then
	echo "lint: FAILED, $((TIDY_N + CPP_N)) finding(s); triage in tools/FINDINGS.md"
	exit 1
fi
if [ "$TIDY_STATUS$CPP_STATUS" = skippedskipped ]; then
	echo "lint: skipped, neither tool is installed"
elif [ "$TIDY_STATUS" = skipped ] || [ "$CPP_STATUS" = skipped ]; then
	echo "lint: clean (one tool skipped)"
else
	echo "lint: clean"
fi
exit 0
