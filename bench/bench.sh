#!/bin/sh
# bench/bench.sh - how fast Adjudicator is next to the XML parser's own speed.
#
#   bench/bench.sh [MB ...]        (default: 10 100 1000)
#
# In one run, on the same generated files, with a release build:
#   1. for each size: a batch from claims/gen/gen_batch against the default
#      catalogs; `xmllint --stream --noout` on it (the parser's floor) and
#      `adjudicator adjudicate` into a fresh database with the full ledger,
#      each timed with /usr/bin/time -v; the pair runs BENCH_REPS times
#      (default 3), xmllint right before adjudicate each time, and the
#      fastest run of each is kept (this machine's speed moves by a third
#      from minute to minute: xmllint alone took 11.0 s to 18.2 s on the
#      same 1 GB file in one afternoon, and a slow moment only adds time);
#   2. a 100 MB batch against a large generated catalog (100,000 items,
#      1,000,000 members, 300 hospitals), the same way;
#   3. the imports of that catalog and registry, in rows per second: the
#      registry into an empty one, again unchanged, and into one that holds
#      half of it already (half new, half unchanged); each BENCH_REPS times
#      on a fresh database, the fastest kept.
# Prints one table. The ratio is adjudicate's wall time over xmllint's, both
# measured in this run on this machine: that, not the seconds, is the figure
# to compare between machines. Not a test; needs about 6 GB in $TMPDIR for
# the 1000 MB size. BENCH_LARGE=0 skips steps 2 and 3.
set -eu
cd "$(dirname "$0")/.."
SIZES=${*:-10 100 1000}
LARGE=${BENCH_LARGE:-1}
REPS=${BENCH_REPS:-3}

missing=""
[ -x /usr/bin/time ] || missing="$missing time"
command -v xmllint >/dev/null || missing="$missing libxml2-utils"
if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
	else
		echo "bench: missing Debian packages; install them with:" >&2
		echo "  sudo apt-get install -y$missing" >&2
		exit 1
	fi
fi
./run deps

B=build-bench
[ -f "$B/build.ninja" ] || meson setup "$B" --buildtype=release -Dtests=false >/dev/null
ninja -C "$B" >/dev/null
A=$B/engine/adjudicator
G=$B/claims/gen/gen_batch
work=${TMPDIR:-/tmp}/adj-bench
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

# measure OUT COMMAND...: run under /usr/bin/time -v; OUT gets "wall_s rss_kb",
# or keeps what it has when that was faster
measure() {
	out=$1
	shift
	/usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || {
		echo "bench: failed: $*" >&2
		cat "$work/stderr.txt" >&2
		exit 1
	}
	awk '/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
	     /Maximum resident set size/ { r = $NF }
	     END { printf "%.2f %d\n", s, r }' "$work/time.txt" >"$work/this.txt"
	if [ ! -f "$out" ] || [ "$(sort -n "$work/this.txt" "$out" | head -1)" = "$(cat "$work/this.txt")" ]; then
		mv "$work/this.txt" "$out"
	fi
}

# new_db DB CATALOG [MEMBERS]
new_db() {
	rm -f "$1" "$1-wal" "$1-shm"
	$A init --db "$1" >/dev/null
	$A catalog import "$2" --db "$1" >/dev/null
	[ -z "${3:-}" ] || $A members import "$3" --db "$1" >/dev/null
}

printf '%-22s %7s %8s %9s %9s %9s %6s %7s %8s %9s %9s %9s\n' batch MB claims lines \
	"xmllint" "adjudic." ratio "MB/s" "claims/s" "lines/s" "RSS xml" "RSS adj"

# row LABEL BATCH DB-TEMPLATE REPEATS: time both programs on BATCH and print a line
row() {
	label=$1 batch=$2 template=$3 reps=$4
	rm -f "$work"/x.* "$work"/a.*
	i=0
	while [ $i -lt "$reps" ]; do
		measure "$work/x.$i" xmllint --stream --noout "$batch"
		cp "$template" "$work/run.db"
		rm -f "$work/run.db-wal" "$work/run.db-shm" "$work/remit.xml"
		measure "$work/a.$i" $A adjudicate "$batch" -o "$work/remit.xml" --db "$work/run.db"
		i=$((i + 1))
	done
	x=$(sort -n "$work"/x.* | head -1)
	a=$(sort -n "$work"/a.* | head -1)
	bytes=$(stat -c %s "$batch")
	claims=$(grep -c '<claim ' "$work/remit.xml")
	lines=$(grep -c '<item ' "$work/remit.xml")
	echo "$x $a" | awk -v l="$label" -v b="$bytes" -v c="$claims" -v n="$lines" '{
		mb = b / 1e6; xs = $1; xr = $2; as = $3; ar = $4
		if (as <= 0) as = 0.01; if (xs <= 0) xs = 0.01
		printf "%-22s %7.0f %8d %9d %8.2fs %8.2fs %5.2fx %7.1f %8.0f %9.0f %7.1fMB %7.1fMB\n",
		       l, mb, c, n, xs, as, as / xs, mb / as, c / as, n / as, xr / 1024, ar / 1024 }'
}

new_db "$work/default.db" catalogs
for mb in $SIZES; do
	$G --catalog catalogs --size "$mb" --seed 1 -o "$work/batch.xml" 2>/dev/null
	row "default catalog" "$work/batch.xml" "$work/default.db" "$REPS"
	rm -f "$work/batch.xml"
done

[ "$LARGE" = 1 ] || exit 0
/usr/bin/python3 catalogs/gen/make_catalogs.py --out "$work/large" --items 100000 \
	--members 1000000 --hospitals 300 --no-check >/dev/null
$G --catalog "$work/large" --size 100 --seed 1 -o "$work/batch.xml" 2>/dev/null
mv "$work/large/members.csv" "$work/members.csv"
rows=$(($(wc -l <"$work/large/drugs.csv") + $(wc -l <"$work/large/treatments.csv") + $(wc -l <"$work/large/facilities.csv") - 3))
mrows=$(($(wc -l <"$work/members.csv") - 1))

rm -f "$work"/t.*
head -n $((mrows / 2 + 1)) "$work/members.csv" >"$work/half.csv"
i=0
while [ $i -lt "$REPS" ]; do
	rm -f "$work/large.db"*
	$A init --db "$work/large.db" >/dev/null
	measure "$work/t.cat" $A catalog import "$work/large" --db "$work/large.db"
	measure "$work/t.mem" $A members import "$work/members.csv" --db "$work/large.db"
	measure "$work/t.same" $A members import "$work/members.csv" --db "$work/large.db"
	# the general case: half the members already there, half new
	rm -f "$work/mixed.db"*
	$A init --db "$work/mixed.db" >/dev/null
	$A catalog import "$work/large" --db "$work/mixed.db" >/dev/null
	$A members import "$work/half.csv" --db "$work/mixed.db" >/dev/null
	measure "$work/t.mixed" $A members import "$work/members.csv" --db "$work/mixed.db"
	i=$((i + 1))
done
rm -f "$work/mixed.db"* "$work/half.csv"
row "large catalog" "$work/batch.xml" "$work/large.db" "$REPS"

echo
printf '%-34s %9s %9s %12s %9s\n' import rows seconds "rows/s" RSS
for t in "catalog import (100,000 items):cat:$rows" "members import (new):mem:$mrows" \
	"members import (unchanged):same:$mrows" "members import (half new):mixed:$mrows"; do
	label=${t%%:*} rest=${t#*:}
	f=${rest%%:*} n=${rest#*:}
	awk -v l="$label" -v n="$n" '{ s = $1 > 0 ? $1 : 0.01; printf "%-34s %9d %8.2fs %12.0f %7.1fMB\n", l, n, s, n / s, $2 / 1024 }' "$work/t.$f"
done
