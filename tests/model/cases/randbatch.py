#!/usr/bin/env python3
"""randbatch.py - write random claim batches for differential testing.

    python3 tests/model/cases/randbatch.py --catalog catalogs --out /tmp/rb \
        [--seed 1] [--batches 5] [--claims 40]

Writes OUTDIR/NN-<hospital>.xml batches built from the catalog's hospitals,
members and item rows: mostly plausible claims (lines near the tier prices,
stays of 0-15 days, several diagnoses, single-disease diagnoses and
procedures), with a share of odd ones (wrong dates, duplicate lines, unknown
codes, bad amounts, quantities above max_daily, voids, replacements, reused
ids, malformed fields).  Deterministic for a seed.  Run adjmodel.py and the
engine over the same batches (in file-name order) and compare with
compare.py --dir.
"""

import argparse
import datetime
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import adjmodel as M  # noqa: E402

DIAG = ['K35.900', 'K74.100', 'I10.x00', 'J18.900', 'O80.000', 'O82.000', 'H25.900', 'K40.000',
        'K80.100', 'D25.900', 'N20.000', 'N40.x00', 'I84.000', 'S72.000', 'M51.200', 'E11.900',
        'N18.900', 'C34.900', 'K70.300', 'J35.000', 'I83.900', 'D34.x00', 'N83.000', 'J34.200']
PROC = ['47.0901', '74.1x001', '13.4100', '53.0000', '51.2200', '68.2900', '55.0100', '98.5100',
        '60.2900', '49.4600', '21.5000', '28.2000', '79.1500', '81.5100', '80.5100', '06.2x001',
        '85.2100', '65.2500', '38.5900', '99.0400']


def money(f):
    return M.fmt_money(f)


def qty_str(q):
    if q % 1000 == 0:
        return str(q // 1000)
    return ('%d.%03d' % (q // 1000, q % 1000)).rstrip('0')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--catalog', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--batches', type=int, default=5)
    ap.add_argument('--claims', type=int, default=40)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    cat = M.Catalog(a.catalog)
    mrows = M.read_csv(os.path.join(a.catalog, 'members.csv'))
    mrows = mrows[:60] + rnd.sample(mrows[60:], min(120, max(0, len(mrows) - 60)))
    members = [r['id'] for r in mrows]
    mobj = {r['id']: M.Member(r) for r in mrows}
    years = sorted({y for sc in cat.schemes.values() for y in sc})
    hospitals = sorted(cat.hospitals)
    rows = [r for rs in cat.items.values() for r in rs]
    os.makedirs(a.out, exist_ok=True)
    issued = {}  # hospital -> [(claim id, member, type)]
    n = 0
    for b in range(a.batches):
        hosp = rnd.choice(hospitals)
        H = cat.hospitals[hosp]
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
               '<batch xmlns="urn:adjudicator:batch:1" id="R%d-%d" hospital="%s" created="2006-12-01T08:00:00">\n'
               % (a.seed, b, hosp)]
        mine = issued.setdefault(hosp, [])
        for c in range(a.claims):
            n += 1
            r = rnd.random()
            if r < 0.05 and mine:
                cid, mem, typ = rnd.choice(mine)
                out.append('  <claim id="V%d" type="%s" voids="%s"><member id="%s"/></claim>\n'
                           % (n, typ, cid, mem if rnd.random() < 0.9 else rnd.choice(members)))
                continue
            replaces = None
            cid = 'C%d' % n
            member = rnd.choice(members)
            lo = hi = None
            if rnd.random() < 0.7:  # a plausible claim: scheme, enrolment, arrears, designation fit
                fit = [x for x in members if H.schemes is None or mobj[x].scheme in H.schemes]
                if fit:
                    member = rnd.choice(fit)
                    m = mobj[member]
                    lo = max(m.enrolled_from, H.designated_from, datetime.date(years[0], 1, 1))
                    hi = min(d for d in (m.enrolled_to, m.paid_through, H.designated_to,
                                         datetime.date(years[-1], 12, 31)) if d is not None)
            if r < 0.12 and mine:
                old = rnd.choice(mine)
                replaces = old[0]
                member = old[1] if rnd.random() < 0.85 else member
                if rnd.random() < 0.5:
                    cid = old[0]
            elif r < 0.14 and mine:
                cid = rnd.choice(mine)[0]  # C07 most of the time
            typ = rnd.choices(['inpatient', 'outpatient', 'special-outpatient'], [6, 3, 1])[0]
            if lo is not None and lo < hi:
                start = lo + datetime.timedelta(days=rnd.randrange((hi - lo).days))
            else:
                year = rnd.choice([2004, 2005, 2005, 2006])
                start = datetime.date(year, 1, 1) + datetime.timedelta(days=rnd.randrange(365))
            stay = rnd.choice([0, 1, 2, 3, 4, 5, 7, 10, 15]) if typ == 'inpatient' else 0
            end = start + datetime.timedelta(days=stay)
            mem_out = member.lower() if rnd.random() < 0.05 else member
            attrs = ' replaces="%s"' % replaces if replaces else ''
            out.append('  <claim id="%s" type="%s"%s>\n' % (cid, typ, attrs))
            out.append('    <member id="%s"/>\n' % mem_out)
            if typ == 'inpatient':
                out.append('    <stay admitted="%s" discharged="%s"/>\n' % (start, end))
            else:
                out.append('    <visit date="%s"/>\n' % start)
            nd = rnd.choice([1, 1, 2, 3])
            diags = rnd.sample(DIAG, nd)
            for i, d in enumerate(diags):
                prim = ' primary="true"' if i == 0 else ''
                if rnd.random() < 0.02:
                    prim = ' primary="true"'
                out.append('    <diagnosis code="%s"%s/>\n' % (d, prim))
            for p in rnd.sample(PROC, rnd.choice([0, 0, 1, 1, 2])):
                out.append('    <procedure code="%s"/>\n' % p)
            seq = 0
            prev = None
            for _ in range(rnd.choice([1, 2, 3, 4, 6, 8, 12])):
                seq += 1
                kind = rnd.random()
                day = start + datetime.timedelta(days=rnd.randrange(stay + 1))
                if kind < 0.03:
                    day = end + datetime.timedelta(days=1)
                if kind < 0.06 and prev:
                    out.append(prev.replace('seq="%d"' % (seq - 1), 'seq="%d"' % seq))
                    continue
                if kind < 0.09:
                    code = rnd.choice(['XZ99ZZZ999Z999999999999', '009999999999999', 'BADCODE'])
                    row = None
                else:
                    row = rnd.choice(rows)
                    code = row.code
                    day_ok = [x for x in cat.items[code] if x.valid_on(day)]
                    row = day_ok[0] if day_ok else row
                tp = row.price_t.get(H.tier) if row else None
                base = tp or (row.cap if row and row.cap else None) or rnd.choice([500, 1250, 3000, 20000, 150000])
                p = max(1, int(base * rnd.choice([1, 1, 1, 0.8, 1.1, 1.5, 0.333])))
                q = rnd.choice([1000, 1000, 2000, 3000, 500, 1500, 6000, 10000, 250, 1])
                if row and row.max_daily and rnd.random() < 0.3:
                    q = row.max_daily + rnd.choice([0, 1000, 500])
                elif row and not row.max_daily and rnd.random() < 0.25:
                    q = rnd.choice([20000, 50000, 100000])
                amt = M.price(q, p)
                if rnd.random() < 0.03:
                    amt += 1
                line = '    <item seq="%d" code="%s" date="%s" qty="%s" price="%s" amount="%s"/>\n' % (
                    seq, code, day, qty_str(q), money(p), money(amt))
                if rnd.random() < 0.01:
                    line = line.replace(' amount=', ' amt=')
                prev = line
                out.append(line)
            out.append('  </claim>\n')
            if cid not in [x[0] for x in mine]:
                mine.append((cid, member, typ))
        out.append('</batch>\n')
        with open(os.path.join(a.out, '%02d-%s.xml' % (b, hosp)), 'w', encoding='utf-8') as f:
            f.write(''.join(out))


if __name__ == '__main__':
    main()
