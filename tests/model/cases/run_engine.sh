#!/bin/sh
# run_engine.sh - run the C engine over batches the way adjmodel.py does, so
# that the two output folders can be compared with compare.py --dir.
#
#   tests/model/cases/run_engine.sh CATALOG_DIR OUTDIR [--members FILE ...] BATCH.xml|@members=FILE|@catalog=DIR ...
#
# ADJUDICATOR (default build/engine/adjudicator) is the engine binary;
# SOURCE_DATE_EPOCH defaults to 0.  A refused batch (exit 65) gives
# OUTDIR/<name without .xml>.refused holding the first B code found on stderr.
set -u
A=${ADJUDICATOR:-build/engine/adjudicator}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-0}
cat=$1; out=$2; shift 2
mkdir -p "$out"
db="$out/engine.db"
rm -f "$db" "$db-wal" "$db-shm"
"$A" init --db "$db" >/dev/null || exit 1
"$A" catalog import "$cat" --db "$db" >/dev/null || { echo "run_engine: catalog import failed" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case "$1" in
	--members) "$A" members import "$2" --db "$db" >/dev/null || exit 1; shift 2 ;;
	@members=*) "$A" members import "${1#@members=}" --db "$db" >/dev/null || exit 1; shift ;;
	@catalog=*) "$A" catalog import "${1#@catalog=}" --db "$db" >/dev/null || exit 1; shift ;;
	*)
		name=$(basename "$1"); stem=${name%.*}
		rm -f "$out/$name" "$out/$stem.refused"
		"$A" adjudicate "$1" --db "$db" -o "$out/$name" 2>"$out/$name.stderr"
		rc=$?
		if [ $rc -eq 65 ]; then
			grep -o 'B0[1-4]' "$out/$name.stderr" | head -n 1 >"$out/$stem.refused"
		elif [ $rc -ne 0 ]; then
			echo "run_engine: $name: exit status $rc" >&2
			cat "$out/$name.stderr" >&2
		fi
		[ -s "$out/$name.stderr" ] || rm -f "$out/$name.stderr"
		shift ;;
	esac
done
