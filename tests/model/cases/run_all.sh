#!/bin/sh
# run_all.sh - run adjmodel.py and the C engine over every hand-made suite
# of tests/model/cases and compare the remittances.
#
#   tests/model/cases/run_all.sh [OUTDIR] [SEEDS]
#
# Run from the repository root.  OUTDIR defaults to /tmp/adjmodel-cases.
# SEEDS (e.g. "1 2 3") adds random suites over catalogs/ made by randbatch.py.
# Without an engine binary (ADJUDICATOR, default build/engine/adjudicator)
# only the model runs.  Exit status 1 when any suite differs.
set -u
out=${1:-/tmp/adjmodel-cases}
seeds=${2:-}
M=tests/model
C=$M/cases
A=${ADJUDICATOR:-build/engine/adjudicator}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-0}
status=0

suite() { # suite NAME CATALOG ARGS...
	name=$1; cat=$2; shift 2
	rm -rf "$out/$name.model" "$out/$name.engine"
	/usr/bin/python3 $M/adjmodel.py --catalog "$cat" --out "$out/$name.model" "$@" 2>"$out/$name.model.log" || {
		echo "$name: model failed (see $out/$name.model.log)"; status=1; return; }
	if [ -x "$A" ]; then
		sh $C/run_engine.sh "$cat" "$out/$name.engine" "$@" 2>"$out/$name.engine.log"
		if /usr/bin/python3 $M/compare.py --dir "$out/$name.model" "$out/$name.engine" >"$out/$name.diff"; then
			echo "$name: identical"
		else
			echo "$name: $(grep -c '' "$out/$name.diff") differences ($out/$name.diff)"
			status=1
		fi
	else
		echo "$name: model only ($out/$name.model)"
	fi
}

mkdir -p "$out"
suite min tests/data/catalog_min --members $C/min/members_extra.csv $C/min/*.xml
suite small $C/small/catalog $C/small/s*.xml
suite adv-a $C/small/catalog $C/adv/a01-ids.xml $C/adv/a02-fields.xml $C/adv/a03-lines.xml $C/adv/a04-tier2.xml \
	@members=$C/adv/members_urb.csv $(ls $C/adv/a*.xml | grep -v -E '/a0[1-4]-')
suite adv-b $C/small/catalog $C/adv/b01-more.xml $C/adv/b02-other-hospital.xml @catalog=$C/adv/catalog2 $C/adv/b03-new-catalog.xml
suite adv-c $C/small/catalog $C/adv/c01-rejected-replacement.xml
[ -d claims/samples ] && suite samples catalogs claims/samples/*.xml
for s in $seeds; do
	rm -rf "$out/rand$s.batches"
	/usr/bin/python3 $C/randbatch.py --catalog catalogs --out "$out/rand$s.batches" --seed "$s" --batches 10 --claims 80
	suite rand$s catalogs "$out"/rand$s.batches/*.xml
done
exit $status
