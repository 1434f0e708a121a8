#!/bin/sh
# tests/crash/crash.sh - crash safety of a batch (issue 5, SPEC 7).
#
#   tests/crash/crash.sh [KILLS] [CLAIMS]     (defaults: 50 kills, 3000 claims;
#                                              a manual run: 200 20000)
#
# 1. An uninterrupted run of a generated batch on a fresh database gives the
#    reference remittance.
# 2. KILLS times: the same batch on a second database, killed with SIGKILL at
#    a random moment; after each kill, `PRAGMA integrity_check` is ok, no row
#    of the batch exists, and no remittance (nor temporary file) was left.
#    A kill that lands after the commit (the batch is then whole) leaves the
#    remittance to `adjudicator remittance`, which must equal the reference.
# 3. A last run to the end gives a remittance byte-identical to the reference.
# 4. A full disk (a file-size limit) and a read-only database give exit 74, a
#    message, and no partial batch.
# Environment: ADJUDICATOR and GEN_BATCH name the binaries (default build/).
set -u
cd "$(dirname "$0")/../.."
KILLS=${1:-50}
CLAIMS=${2:-3000}
A=${ADJUDICATOR:-build/engine/adjudicator}
G=${GEN_BATCH:-build/claims/gen/gen_batch}
export SOURCE_DATE_EPOCH=1136000000
work=$(mktemp -d "${TMPDIR:-/tmp}/adj-crash.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
say() { echo "crash: $*"; }
bad() { echo "crash: FAIL: $*"; fail=1; }
q() { sqlite3 "$1" "$2"; }

$G --catalog catalogs --hospital H12010400002 --claims "$CLAIMS" --seed 42 --problems 10 \
	-o "$work/batch.xml" 2>/dev/null || { bad "gen_batch"; exit 1; }
for db in ref test; do
	$A init --db "$work/$db.db" >/dev/null && $A catalog import catalogs --db "$work/$db.db" >/dev/null ||
		{ bad "set-up"; exit 1; }
done
cp "$work/test.db" "$work/pristine.db"

t0=$(date +%s%N)
$A adjudicate "$work/batch.xml" --db "$work/ref.db" -o "$work/ref.xml" 2>/dev/null || bad "reference run"
t1=$(date +%s%N)
full_us=$(( (t1 - t0) / 1000 ))
say "reference run: $CLAIMS claims in $((full_us / 1000)) ms"

killed=0 finished=0 after_commit=0 i=0
seed=1
while [ $killed -lt "$KILLS" ] && [ $i -lt $((KILLS * 3)) ]; do
	i=$((i + 1))
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	delay=$(( seed % (full_us * 9 / 10) ))
	$A adjudicate "$work/batch.xml" --db "$work/test.db" -o "$work/out.xml" 2>/dev/null &
	pid=$!
	sleep "$(awk -v u="$delay" 'BEGIN { printf "%.6f", u / 1000000 }')"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	if [ "$rc" -eq 0 ]; then
		finished=$((finished + 1)) # it won the race: start again from a pristine copy
		rm -f "$work/test.db-wal" "$work/test.db-shm" "$work/out.xml"
		cp "$work/pristine.db" "$work/test.db"
		continue
	fi
	killed=$((killed + 1))
	[ "$(q "$work/test.db" 'PRAGMA integrity_check')" = ok ] || bad "kill $i: integrity_check"
	if [ "$(q "$work/test.db" 'SELECT count(*) FROM batch')" != 0 ]; then
		# killed after the commit (before the remittance got its name, or
		# during the exit): the batch must be whole, and its remittance
		# comes back from the ledger
		after_commit=$((after_commit + 1))
		[ "$(q "$work/test.db" 'SELECT count(*) FROM claim')" = "$CLAIMS" ] || bad "kill $i: a partial batch"
		rm -f "$work/out.xml"
		$A remittance "$(q "$work/test.db" 'SELECT batch_id FROM batch')" --db "$work/test.db" \
			-o "$work/again.xml" 2>/dev/null || bad "kill $i: remittance re-emit"
		cmp -s "$work/ref.xml" "$work/again.xml" || bad "kill $i: the re-emitted remittance differs"
		rm -f "$work/test.db-wal" "$work/test.db-shm" "$work/again.xml"
		cp "$work/pristine.db" "$work/test.db"
		continue
	fi
	[ "$(q "$work/test.db" 'SELECT count(*) FROM claim')" = 0 ] || bad "kill $i: claims are recorded"
	[ ! -e "$work/out.xml" ] || bad "kill $i: a remittance was left"
	ls "$work" | grep -q 'out.xml.tmp' && bad "kill $i: a temporary file was left"
done
say "$killed kills checked ($after_commit after the commit; $finished runs finished before their kill)"
[ "$killed" -ge "$KILLS" ] || bad "only $killed kills landed"
$A adjudicate "$work/batch.xml" --db "$work/test.db" -o "$work/out.xml" 2>/dev/null || bad "the final run"
cmp -s "$work/ref.xml" "$work/out.xml" && say "the rerun is byte-identical to the uninterrupted run" ||
	bad "the rerun differs from the uninterrupted run"

# a full disk: a file-size limit far below what the batch needs
cp "$work/pristine.db" "$work/full.db"
( ulimit -f 64; $A adjudicate "$work/batch.xml" --db "$work/full.db" -o "$work/full.xml" 2>"$work/full.err" )
rc=$?
[ "$rc" -eq 74 ] || bad "full disk: exit $rc, want 74"
grep -q "File too large\|disk\|full" "$work/full.err" || bad "full disk: no clear message ($(cat "$work/full.err"))"
[ "$(q "$work/full.db" 'SELECT count(*) FROM batch')" = 0 ] || bad "full disk: a partial batch"
[ ! -e "$work/full.xml" ] || bad "full disk: a remittance was left"
say "full disk: exit $rc, $(head -1 "$work/full.err")"

# a read-only database (as an unprivileged user, since root ignores modes)
if command -v runuser >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	ro=$(mktemp -d "${TMPDIR:-/tmp}/adj-ro.XXXXXX")
	cp "$work/pristine.db" "$ro/ro.db"
	chmod 755 "$ro" "$work"; chmod 644 "$ro/ro.db" "$work/batch.xml"
	# a copy of the command in the open folder: the build folder may be where
	# nobody cannot go (a clone in a private temporary folder)
	cp "$A" "$ro/adjudicator"
	chmod 755 "$ro/adjudicator"
	runuser -u nobody -- "$ro/adjudicator" adjudicate "$work/batch.xml" --db "$ro/ro.db" -o /dev/null 2>"$work/ro.err"
	rc=$?
	[ "$rc" -eq 74 ] || bad "read-only: exit $rc, want 74"
	grep -q "readonly\|read-only" "$work/ro.err" || bad "read-only: no clear message ($(cat "$work/ro.err"))"
	[ "$(q "$ro/ro.db" 'SELECT count(*) FROM batch')" = 0 ] || bad "read-only: a partial batch"
	say "read-only database: exit $rc, $(head -1 "$work/ro.err")"
	rm -rf "$ro"
else
	say "read-only database: skipped (needs root to run as another user)"
fi
[ $fail -eq 0 ] && say "ok"
exit $fail
