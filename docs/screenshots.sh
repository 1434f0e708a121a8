#!/bin/sh
# docs/screenshots.sh - render every HTML report of the demo ledger with
# Debian's headless chromium and save a picture of each in docs/img/.
#
#   docs/screenshots.sh            (runs ./run demo first when out/ is missing)
#
# Needs: chromium and fonts-noto-cjk (apt-get install chromium fonts-noto-cjk).
set -eu
cd "$(dirname "$0")/.."
[ -f out/adjudicator.db ] || ./run demo >/dev/null
A=build/engine/adjudicator
DB=out/adjudicator.db
mkdir -p out/reports docs/img
$A settle --year 2005 --db "$DB" -o out/reports/settlement-2005.html 2>/dev/null
$A report rejections --db "$DB" -o out/reports/rejections.html 2>/dev/null
$A report budget --year 2005 --db "$DB" -o out/reports/budget-2005.html 2>/dev/null
$A report cost-structure --year 2005 --db "$DB" -o out/reports/cost-structure-2005.html 2>/dev/null
$A report member 120101196103152135 --year 2005 --db "$DB" -o out/reports/member-2005.html 2>/dev/null
profile=$(mktemp -d)
for r in rejections budget-2005 cost-structure-2005 member-2005 settlement-2005; do
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --hide-scrollbars --window-size=1280,1200 \
		--screenshot="docs/img/$r.png" "file://$PWD/out/reports/$r.html" >/dev/null 2>&1
	echo "docs/img/$r.png"
done
rm -rf "$profile"
