#!/bin/sh
# bench/identities.sh - the identities of SPEC 5.2 and 5.4 on a generated
# batch (default 100,000 claims against the default catalogs).
#
#   bench/identities.sh [CLAIMS] [PROBLEM-PERCENT]
#
# Checks, on every recorded claim and line of the ledger:
#   line:  billed = rejected + self_pay + over_cap + first_pay + in_policy
#   claim: billed = rejected + patient + pool + relief + assistance + hospital_variance
#   claim: billed, rejected, self_pay, over_cap, first_pay, in_policy = the sums of its lines
#   claim: deductible + coinsurance + pool + over_pool = in-policy base (E)
# and that the remittance totals equal the sums of its claims. Exits 1 on
# any failure.
set -eu
cd "$(dirname "$0")/.."
N=${1:-100000}
P=${2:-5}
[ -x build/engine/adjudicator ] && [ -x build/claims/gen/gen_batch ] || { meson setup build >/dev/null 2>&1 || true; ninja -C build >/dev/null; }
A=build/engine/adjudicator
work=${TMPDIR:-/tmp}/adj-identities
rm -rf "$work"; mkdir -p "$work"
build/claims/gen/gen_batch --catalog catalogs --hospital H12010300017 --claims "$N" --problems "$P" \
	--seed 7 -o "$work/batch.xml"
$A init --db "$work/i.db" >/dev/null
$A catalog import catalogs --db "$work/i.db" >/dev/null
$A adjudicate "$work/batch.xml" --db "$work/i.db" -o "$work/remittance.xml"
fail=0
check() { # check NAME SQL (the SQL counts violations)
	n=$(sqlite3 "$work/i.db" "$2")
	if [ "$n" = 0 ]; then echo "ok    $1"; else echo "FAIL  $1: $n"; fail=1; fi
}
check "claims recorded" "SELECT CASE WHEN count(*) = $N THEN 0 ELSE count(*) END FROM claim"
check "line identity" "SELECT count(*) FROM line WHERE billed != rejected + self_pay + over_cap + first_pay + in_policy"
check "claim identity" "SELECT count(*) FROM claim WHERE billed != rejected + patient + pool + relief + assistance + hospital_variance"
check "claim = sum of its lines" "SELECT count(*) FROM claim c JOIN (SELECT claim, sum(billed) b, sum(rejected) r, sum(self_pay) s, sum(over_cap) o, sum(first_pay) f, sum(in_policy) i FROM line GROUP BY claim) l ON l.claim = c.id WHERE c.kind != 'void' AND (c.billed != l.b OR c.rejected != l.r OR c.self_pay != l.s OR c.over_cap != l.o OR c.first_pay != l.f OR c.in_policy != l.i)"
check "benefit split = base" "SELECT count(*) FROM claim WHERE counted AND deductible + coinsurance + pool + over_pool != in_policy - hospital_variance"
check "rejected claims pay nothing" "SELECT count(*) FROM claim WHERE status = 'rejected' AND (rejected != billed OR patient + pool + relief + assistance + withheld != 0)"
check "patient" "SELECT count(*) FROM claim WHERE counted AND patient != self_pay + over_cap + first_pay + deductible + coinsurance + over_pool - relief - assistance"
totals=$(grep -o '<amounts [^>]*/>' "$work/remittance.xml" | tail -1 | sed 's/.* billed="\([0-9.]*\)".* pool="\([0-9.]*\)".*/\1 \2/' | head -1)
sums=$(sqlite3 "$work/i.db" "SELECT printf('%d.%02d %d.%02d', sum(billed)/100, sum(billed)%100, sum(pool)/100, sum(pool)%100) FROM claim WHERE status != 'voided'")
if [ "$totals" = "$sums" ]; then echo "ok    remittance totals ($totals)"; else echo "FAIL  remittance totals: $totals vs $sums"; fail=1; fi
sqlite3 "$work/i.db" "SELECT status, count(*) FROM claim GROUP BY status" | tr '\n' ' '; echo
rm -rf "$work"
exit $fail
