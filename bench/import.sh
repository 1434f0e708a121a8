#!/bin/sh
# bench/import.sh - catalog and member import speed (issue: >= 200,000 rows/s).
#
#   bench/import.sh [ITEMS] [MEMBERS]     (defaults 100000 and 1000000)
#
# Generates a large catalog with catalogs/gen/make_catalogs.py into a scratch
# folder, then times, on a fresh database each time:
#   1. `catalog import` of the folder without members.csv (the item rows),
#   2. `members import` of the 1,000,000-row registry,
#   3. the same registry again (each member looked up, nothing written).
# Prints rows per second for each. Not a test: figures depend on the machine.
set -eu
cd "$(dirname "$0")/.."
ITEMS=${1:-100000}
MEMBERS=${2:-1000000}
A=build/engine/adjudicator
[ -x "$A" ] || { meson setup build >/dev/null; ninja -C build >/dev/null; }
work=${TMPDIR:-/tmp}/adj-bench-import
rm -rf "$work"
mkdir -p "$work"
echo "generating $ITEMS items and $MEMBERS members in $work ..." >&2
/usr/bin/python3 catalogs/gen/make_catalogs.py --out "$work/cat" --items "$ITEMS" \
	--members "$MEMBERS" --hospitals 300 --no-check >/dev/null
mv "$work/cat/members.csv" "$work/members.csv"
rows=$(($(wc -l < "$work/cat/drugs.csv") + $(wc -l < "$work/cat/treatments.csv") + $(wc -l < "$work/cat/facilities.csv") - 3))
mrows=$(($(wc -l < "$work/members.csv") - 1))

now() { date +%s.%N; }
# rate ROWS T0 T1
rate() { awk -v r="$1" -v a="$2" -v b="$3" 'BEGIN { t = b - a; printf "%9.0f rows/s  (%d rows in %.2f s)\n", r / t, r, t }'; }

$A init --db "$work/b.db" >/dev/null
t0=$(now); $A catalog import "$work/cat" --db "$work/b.db" >/dev/null; t1=$(now)
printf 'catalog import (items)      '; rate "$rows" "$t0" "$t1"
t0=$(now); $A members import "$work/members.csv" --db "$work/b.db" >/dev/null; t1=$(now)
printf 'members import (new)        '; rate "$mrows" "$t0" "$t1"
t0=$(now); $A members import "$work/members.csv" --db "$work/b.db" >/dev/null; t1=$(now)
printf 'members import (unchanged)  '; rate "$mrows" "$t0" "$t1"
/usr/bin/time -f 'peak RSS of the last import: %M KB' $A members import "$work/members.csv" --db "$work/b.db" >/dev/null
rm -rf "$work"
