#!/usr/bin/python3
"""Generate the Adjudicator catalog folder (SPEC section 4), deterministically.

    make_catalogs.py                      # rewrite the committed default catalog in catalogs/
    make_catalogs.py --out DIR --items 100000 --members 1000000 --hospitals 300
                                          # a large synthetic catalog for benchmarks

Writes policy.xml, drugs.csv, treatments.csv, facilities.csv,
single_disease.csv, hospitals.csv, budgets.csv and members.csv into the
output folder, then validates the result with check_catalog.py and exits
non-zero (leaving the files for inspection) if anything is invalid.

Output is a pure function of the options: fixed seeds, sorted rows, no
timestamps, UTF-8 without BOM, LF line endings. A large catalog always
contains the whole default catalog (same rows, same story members) plus
synthetic rows, so sample batches written for the default catalog work
against it too.

--items N counts item rows over drugs.csv + treatments.csv + facilities.csv
(a code with two validity periods counts twice); --hospitals N counts
hospitals.csv rows; --members N counts members.csv rows. N below the default
catalog's own size is refused for items and hospitals; for members it keeps
the story members and the first of the random ones.

Python 3.11 standard library only.
"""

import argparse
import csv
import datetime
import gc
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True   # keep catalogs/gen free of __pycache__

import catalog_data as D  # noqa: E402
import check_catalog  # noqa: E402

SEED = 2004
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, ".."))
DEFAULT_MEMBERS = 2500
YEARS = (2004, 2005, 2006)
OPEN_FROM = "2004-01-01"
PERIOD1_TO = "2005-12-31"
PERIOD2_FROM = "2006-01-01"

ITEM_COLUMNS = check_catalog.ITEM_COLUMNS
HEADERS = check_catalog.HEADERS


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------
def to_fen(text):
    if not check_catalog.RE_MONEY.fullmatch(text):
        raise ValueError(f"bad money literal in a source table: {text!r}")
    return check_catalog.to_fen(text)


def money(fen):
    """Integer fen -> yuan text: '1300' for whole yuan, else '12.50'."""
    if fen is None:
        return ""
    if fen <= 0:
        raise ValueError(f"amount must be > 0, got {fen}")
    if fen % 100 == 0:
        return str(fen // 100)
    return f"{fen // 100}.{fen % 100:02d}"


def pct_of(fen, pct, step=1):
    """fen * pct / 100 rounded half-up to a multiple of step fen (at least step)."""
    v = (fen * pct + 50) // 100
    v = (v + step // 2) // step * step
    return max(v, step)


def table(text):
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line.split()


def parse_opts(tokens):
    opts = {}
    for t in tokens:
        k, sep, v = t.partition("=")
        if not sep:
            raise ValueError(f"bad option {t!r}")
        opts[k] = v
    return opts


def ages(opts):
    a = opts.get("age")
    if a is None:
        return "", ""
    lo, _, hi = a.partition("-")
    return lo, hi


def id_with_check(first17):
    return first17 + check_catalog.id_check_char(first17)


def d(text):
    return datetime.date.fromisoformat(text)


# ---------------------------------------------------------------------------
# policy.xml
# ---------------------------------------------------------------------------
# Relief (大额医疗费救助) is one city-wide fund for EMP, EMPCAT, RETCAT and URB
# (policy text, 医疗保险 item 5), so all four share its terms; RUR has none.
# Assistance (社会医疗救济) was prepared in 2004 and runs from 2005 (item 6).
RELIEF = {2004: ("85", "140000"), 2005: ("85", "150000"), 2006: ("85", "150000")}


def _b(claim_type, category, tier, group, basis, ded, rep, bands):
    return {"claim-type": claim_type, "category": category, "tier": tier, "group": group,
            "deductible-basis": basis, "deductible": ded, "repeat-deductible": rep,
            "bands": bands}


def policy_model():
    """[(code, name, [(year, groups, benefits)])] for the five default schemes."""
    schemes = []

    def inpatient_tiers(category, spec):
        # spec: {tier: (deductible, repeat or None, bands)}
        return [_b("inpatient", category, t, "inpatient", "admission", ded, rep, bands)
                for t, (ded, rep, bands) in sorted(spec.items(), reverse=True)]

    # EMP 城镇职工基本医疗保险
    years = []
    for y in YEARS:
        pool = {2004: "55000", 2005: "60000", 2006: "60000"}[y]
        opcap = {2004: "2500", 2005: "3000", 2006: "3000"}[y]
        groups = [
            {"code": "inpatient", "pool-cap": pool, "relief": RELIEF[y],
             "assistance": ("50", "10000") if y >= 2005 else None},
            {"code": "outpatient", "pool-cap": opcap, "relief": None, "assistance": None},
        ]
        ben = []
        ben += inpatient_tiers("in-service", {
            "3": ("1300", "650", [("10000", "85"), ("30000", "90"), (None, "95")]),
            "2": ("1000", "500", [("10000", "87"), ("30000", "92"), (None, "96")]),
            "1": ("800", "400", [("10000", "90"), ("30000", "94"), (None, "97")]),
        })
        ben += inpatient_tiers("retired", {
            "3": ("1300", "650", [("10000", "88"), ("30000", "93"), (None, "97")]),
            "2": ("1000", "500", [("10000", "90"), ("30000", "95"), (None, "98")]),
            "1": ("800", "400", [("10000", "92"), ("30000", "96"), (None, "98")]),
        })
        ben.append(_b("special-outpatient", "*", "*", "inpatient", "year", "1300", None,
                      [("10000", "85"), ("30000", "90"), (None, "95")]))
        ben.append(_b("outpatient", "in-service", "*", "outpatient", "year", "800", None,
                      [(None, "60")]))
        ben.append(_b("outpatient", "retired", "*", "outpatient", "year", "700", None,
                      [("2000", "65"), (None, "70")]))
        years.append((y, groups, ben))
    schemes.append(("EMP", "城镇职工基本医疗保险", years))

    # EMPCAT 职工大病医疗保险统筹: catastrophic cover only (no outpatient).
    years = []
    for y in YEARS:
        pool = {2004: "45000", 2005: "50000", 2006: "50000"}[y]
        groups = [{"code": "inpatient", "pool-cap": pool, "relief": RELIEF[y],
                   "assistance": ("50", "10000") if y >= 2005 else None}]
        ben = []
        ben += inpatient_tiers("in-service", {
            "3": ("1300", "650", [("20000", "75"), (None, "80")]),
            "2": ("1000", "500", [("20000", "78"), (None, "83")]),
            "1": ("800", "400", [("20000", "80"), (None, "85")]),
        })
        ben += inpatient_tiers("retired", {
            "3": ("1300", "650", [("20000", "80"), (None, "85")]),
            "2": ("1000", "500", [("20000", "83"), (None, "88")]),
            "1": ("800", "400", [("20000", "85"), (None, "90")]),
        })
        ben.append(_b("special-outpatient", "*", "*", "inpatient", "year", "1300", None,
                      [("20000", "75"), (None, "80")]))
        years.append((y, groups, ben))
    schemes.append(("EMPCAT", "职工大病医疗保险统筹", years))

    # RETCAT 困难企业退休人员大病保险统筹: retirees only.
    years = []
    for y in YEARS:
        pool = {2004: "40000", 2005: "45000", 2006: "45000"}[y]
        groups = [{"code": "inpatient", "pool-cap": pool, "relief": RELIEF[y],
                   "assistance": ("60", "15000") if y >= 2005 else None}]
        ben = inpatient_tiers("retired", {
            "3": ("1000", "500", [(None, "80")]),
            "2": ("800", "400", [(None, "83")]),
            "1": ("600", "300", [(None, "85")]),
        })
        ben.append(_b("special-outpatient", "*", "*", "inpatient", "year", "1000", None,
                      [(None, "80")]))
        years.append((y, groups, ben))
    schemes.append(("RETCAT", "困难企业退休人员大病保险统筹", years))

    # URB 城镇居民合作医疗: pilot districts from 2004, city-wide from 2005.
    years = []
    for y in YEARS:
        pool = {2004: "15000", 2005: "18000", 2006: "18000"}[y]
        groups = [{"code": "inpatient", "pool-cap": pool, "relief": RELIEF[y],
                   "assistance": ("50", "8000") if y >= 2005 else None}]
        ben = inpatient_tiers("resident-adult", {
            "3": ("800", "400", [("5000", "45"), ("15000", "50"), (None, "55")]),
            "2": ("600", "300", [("5000", "50"), ("15000", "55"), (None, "60")]),
            "1": ("400", "200", [("5000", "55"), ("15000", "60"), (None, "65")]),
        })
        ben.append(_b("inpatient", "resident-child", "*", "inpatient", "admission", "300", "150",
                      [("10000", "60"), (None, "70")]))
        ben.append(_b("special-outpatient", "*", "*", "inpatient", "year", "800", None,
                      [(None, "50")]))
        years.append((y, groups, ben))
    schemes.append(("URB", "城镇居民合作医疗", years))

    # RUR 新型农村合作医疗: no relief fund (not named in item 5); assistance from 2005.
    years = []
    for y in YEARS:
        pool = {2004: "8000", 2005: "10000", 2006: "12000"}[y]
        opcap = {2004: "200", 2005: "300", 2006: "300"}[y]
        groups = [
            {"code": "inpatient", "pool-cap": pool, "relief": None,
             "assistance": ("40", "5000") if y >= 2005 else None},
            {"code": "outpatient", "pool-cap": opcap, "relief": None, "assistance": None},
        ]
        ben = inpatient_tiers("rural", {
            "3": ("500", "300", [("3000", "30"), ("10000", "35"), (None, "40")]),
            "2": ("300", "200", [("3000", "40"), ("10000", "45"), (None, "50")]),
            "1": ("100", None, [("3000", "50"), ("10000", "55"), (None, "60")]),
        })
        ben.append(_b("outpatient", "*", "*", "outpatient", "year", "50", None, [(None, "30")]))
        years.append((y, groups, ben))
    schemes.append(("RUR", "新型农村合作医疗", years))
    return schemes


def xml_attr(v):
    return (v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def policy_xml():
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           "<!-- Generated by catalogs/gen/make_catalogs.py: edit the generator, not this file. -->",
           '<policy xmlns="urn:adjudicator:policy:1">']
    for kind in check_catalog.CODE_FORMAT_ORDER:
        pad = " " * (9 - len(kind))
        out.append(f'  <code-format kind="{kind}"{pad} pattern="{xml_attr(check_catalog.CODE_FORMATS[kind])}"/>')
    for code, name, years in policy_model():
        out.append(f'  <scheme code="{code}" name="{xml_attr(name)}">')
        for y, groups, benefits in years:
            out.append(f'    <year value="{y}">')
            for g in groups:
                a = f'code="{g["code"]}" pool-cap="{g["pool-cap"]}"'
                if g["relief"]:
                    a += f' relief-percent="{g["relief"][0]}" relief-cap="{g["relief"][1]}"'
                if g["assistance"]:
                    a += (f' assistance-percent="{g["assistance"][0]}"'
                          f' assistance-cap="{g["assistance"][1]}"')
                out.append(f"      <group {a}/>")
            for b in benefits:
                a = (f'claim-type="{b["claim-type"]}" category="{b["category"]}" tier="{b["tier"]}"'
                     f' group="{b["group"]}" deductible-basis="{b["deductible-basis"]}"'
                     f' deductible="{b["deductible"]}"')
                if b["repeat-deductible"] is not None:
                    a += f' repeat-deductible="{b["repeat-deductible"]}"'
                out.append(f"      <benefit {a}>")
                for upto, pct in b["bands"]:
                    if upto is None:
                        out.append(f'        <band percent="{pct}"/>')
                    else:
                        out.append(f'        <band upto="{upto}" percent="{pct}"/>')
                out.append("      </benefit>")
            out.append("    </year>")
        out.append("  </scheme>")
    out.append("</policy>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# items
# ---------------------------------------------------------------------------
# Tier price patterns for drugs: percent of the period's price at tiers 1, 2, 3
# (None: empty, no limit at that tier), with weights.
DRUG_TIER_PATTERNS = [((100, 100, 100), 55), ((95, 100, 100), 25), ((92, 97, 100), 12),
                      ((None, 100, 100), 5), ((95, None, 100), 3)]


def pick_weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    r = rng.random() * total
    for v, w in pairs:
        r -= w
        if r < 0:
            return v
    return pairs[-1][0]


def item_row(code, name, cls, cov, fp, tiers, cap, opts, valid_from, valid_to):
    lo, hi = ages(opts)
    return {
        "code": code, "name": name, "class": cls, "coverage": cov,
        "first_pay": fp if cov == "B" else "",
        "price_t1": money(tiers[0]), "price_t2": money(tiers[1]), "price_t3": money(tiers[2]),
        "cap": money(cap), "max_daily": opts.get("md", ""), "min_tier": opts.get("tier", ""),
        "diagnosis": opts.get("diag", ""), "sex": opts.get("sex", ""),
        "min_age": lo, "max_age": hi, "valid_from": valid_from, "valid_to": valid_to,
    }


def periods(code, name, cls, cov, fp, price, cap, opts, tiers_of):
    """Rows of one code: one open period, or two split at 2006-01-01."""
    if "p06" in opts or "cov06" in opts:
        p2 = to_fen(opts["p06"]) if "p06" in opts else price
        if "cap06" in opts:
            cap2 = to_fen(opts["cap06"])
        elif cap is not None:
            cap2 = cap * p2 // price
        else:
            cap2 = None
        cov2 = opts.get("cov06", cov)
        fp2 = opts.get("fp06", fp) if cov2 == "B" else ""
        return [item_row(code, name, cls, cov, fp, tiers_of(price), cap, opts, OPEN_FROM, PERIOD1_TO),
                item_row(code, name, cls, cov2, fp2, tiers_of(p2), cap2, opts, PERIOD2_FROM, "")]
    return [item_row(code, name, cls, cov, fp, tiers_of(price), cap, opts,
                     opts.get("from", OPEN_FROM), opts.get("to", ""))]


def first_pay(rng, cov, opts, default=None):
    if cov != "B":
        return ""
    if "fp" in opts:
        return opts["fp"]
    if default is not None:
        return default
    return pick_weighted(rng, [("10", 40), ("15", 30), ("20", 30)])


def drug_code(rng, atc, form, used, spec=None):
    while True:
        s = spec if spec is not None else rng.randrange(1, 40)
        code = f"X{atc}{D.DRUG_FORMS[form]}A{s:03d}{rng.randrange(10 ** 9):09d}"
        if code not in used:
            used.add(code)
            return code


def drug_tiers_fn(pattern):
    def f(price):
        return tuple(None if p is None else pct_of(price, p) for p in pattern)
    return f


def build_drugs(rng, used):
    rows, templates = [], []
    for toks in table(D.DRUGS):
        name, atc, form, cov, price = toks[:5]
        opts = parse_opts(toks[5:])
        if "code" in opts:
            code = opts["code"]
            if code in used:
                raise ValueError(f"fixed code {code} repeated")
            used.add(code)
        else:
            code = drug_code(rng, atc, form, used)
        fp = first_pay(rng, cov, opts)
        price_f = to_fen(price)
        cap = to_fen(opts["cap"]) if "cap" in opts else None
        # Capped drugs carry the same price at every tier, so the cap is below
        # all of them and over-cap always shows.
        pattern = (100, 100, 100) if cap is not None else pick_weighted(rng, DRUG_TIER_PATTERNS)
        rows += periods(code, name, "drug-material", cov, fp, price_f, cap, opts, drug_tiers_fn(pattern))
        templates.append((name, atc, form, cov, fp, price_f, cap, opts))
    return rows, templates


def service_tiers_fn(opts):
    def rnd(fen, pct):
        return pct_of(fen, pct, 100 if fen >= 10000 else 10)

    def f(price):
        t1 = opts.get("t1")
        t2 = opts.get("t2")
        return (None if t1 == "-" else (to_fen(t1) if t1 else rnd(price, 80)),
                None if t2 == "-" else (to_fen(t2) if t2 else rnd(price, 90)),
                price)
    return f


CLASSES = {"e": "exam", "l": "labor", "d": "drug-material"}


def build_services(rng, used):
    rows, templates = [], []
    for toks in table(D.SERVICES):
        code9, name, cls, cov, price = toks[:5]
        opts = parse_opts(toks[5:])
        code = f"00{code9}0000"
        if code in used:
            raise ValueError(f"service code {code} repeated")
        used.add(code)
        fp = first_pay(rng, cov, opts, default="10")
        cap = to_fen(opts["cap"]) if "cap" in opts else None
        rows += periods(code, name, CLASSES[cls], cov, fp, to_fen(price), cap, opts,
                        service_tiers_fn(opts))
        templates.append((code9, name, CLASSES[cls], cov, fp, to_fen(price), cap, opts))
    return rows, templates


def material_code(rng, cat, product, used, spec=1):
    while True:
        code = f"C{cat}01{product:05d}{spec:04d}{rng.randrange(10 ** 6):06d}"
        if code not in used:
            used.add(code)
            return code


def build_materials(rng, used):
    rows, templates = [], []
    product = {}
    for toks in table(D.MATERIALS):
        cat, name, cov, price = toks[:4]
        opts = parse_opts(toks[4:])
        product[cat] = product.get(cat, 0) + 1
        code = material_code(rng, cat, product[cat], used)
        fp = first_pay(rng, cov, opts, default="10")
        cap = to_fen(opts["cap"]) if "cap" in opts else None
        rows += periods(code, name, "drug-material", cov, fp, to_fen(price), cap, opts,
                        lambda p: (p, p, p))
        templates.append((cat, name, cov, fp, to_fen(price), cap, opts))
    return rows, templates


def build_facilities(used):
    rows, templates = [], []
    for toks in table(D.FACILITIES):
        code9, name, cov, t1, t2, t3, cap, md = toks[:8]
        opts = parse_opts(toks[8:])
        if md != "-":
            opts["md"] = md
        code = f"00{code9}0000"
        if code in used:
            raise ValueError(f"facility code {code} repeated")
        used.add(code)
        tiers = tuple(None if t == "-" else to_fen(t) for t in (t1, t2, t3))
        capf = None if cap == "-" else to_fen(cap)
        rows.append(item_row(code, name, "labor", cov, "", tiers, capf, opts, OPEN_FROM, ""))
        templates.append((code9, name, cov, tiers, capf, opts))
    return rows, templates


# -- synthetic items for large catalogs --------------------------------------
def synth_items(rng, n_rows, drug_t, serv_t, mat_t, fac_t, used):
    """n_rows extra item rows: (drugs, treatments, facilities) lists."""
    drugs, treats, facs = [], [], []
    made = 0
    i = 0
    while made < n_rows:
        room = n_rows - made
        two = room >= 2 and rng.random() < 0.05
        k = i % 20
        i += 1
        factor = 50 + rng.randrange(101)        # 50 % .. 150 % of the template's price
        if k < 13:
            name, atc, form, cov, fp, price, cap, opts = drug_t[rng.randrange(len(drug_t))]
            opts = {k2: v for k2, v in opts.items() if k2 in ("md", "diag", "sex", "age", "tier")}
            code = drug_code(rng, atc, form, used)
            maker = D.DRUG_MAKERS[rng.randrange(len(D.DRUG_MAKERS))]
            p = max(1, price * factor // 100)
            c = None if cap is None else max(1, p * 85 // 100)
            if c is not None and c >= p:
                c = None
            pattern = (100, 100, 100) if c is not None else pick_weighted(rng, DRUG_TIER_PATTERNS)
            if two:
                opts["p06"] = money(max(1, p * 90 // 100))   # the cap scales with it
            rows = periods(code, f"{name}({maker})", "drug-material", cov, fp, p, c, opts,
                           drug_tiers_fn(pattern))
            drugs += rows
        elif k < 17:
            code9, name, cls, cov, fp, price, cap, opts = serv_t[rng.randrange(len(serv_t))]
            opts = {k2: v for k2, v in opts.items() if k2 in ("md", "diag", "sex", "age", "tier")}
            while True:
                suffix = rng.randrange(1, 10000)
                code = f"00{code9}{suffix:04d}"
                if code not in used:
                    used.add(code)
                    break
            p = max(10, price * factor // 100 // 10 * 10)
            c = None if cap is None else p * 80 // 100 // 10 * 10
            if c is not None and (c <= 0 or c >= p):
                c = None
            if two:
                opts["p06"] = money(max(10, p * 110 // 100 // 10 * 10))
            rows = periods(code, f"{name}(扩展{suffix:04d})", cls, cov, fp, p, c, opts,
                           service_tiers_fn({}))
            treats += rows
        elif k < 19:
            cat, name, cov, fp, price, cap, opts = mat_t[rng.randrange(len(mat_t))]
            opts = {k2: v for k2, v in opts.items() if k2 in ("md", "tier")}
            code = material_code(rng, cat, rng.randrange(100, 100000), used,
                                 spec=rng.randrange(1, 10000))
            maker = D.MATERIAL_MAKERS[rng.randrange(len(D.MATERIAL_MAKERS))]
            p = max(1, price * factor // 100)
            c = None if cap is None else p * 85 // 100
            if c is not None and (c <= 0 or c >= p):
                c = None
            if two:
                opts["p06"] = money(max(1, p * 90 // 100))
            rows = periods(code, f"{name}({maker})", "drug-material", cov, fp, p, c, opts,
                           lambda q: (q, q, q))
            treats += rows
        else:
            code9, name, cov, tiers, cap, opts = fac_t[rng.randrange(len(fac_t))]
            two = False
            while True:
                suffix = rng.randrange(1, 10000)
                code = f"00{code9}{suffix:04d}"
                if code not in used:
                    used.add(code)
                    break
            rows = [item_row(code, f"{name}(扩展{suffix:04d})", "labor", cov, "", tiers, cap,
                             opts, OPEN_FROM, "")]
            facs += rows
        made += len(rows)
    return drugs, treats, facs


# ---------------------------------------------------------------------------
# single diseases, hospitals, budgets
# ---------------------------------------------------------------------------
# SD002 剖宫产 gets a revised standard from 2006 (its 2004 row ends 2005-12-31).
SD_REVISED = {"SD002": 108}


def build_single_disease():
    rows, samples = [], []
    for toks in table(D.SINGLE_DISEASES):
        code, name, diag, proc, std3, stay, sdiag, sproc = toks
        proc = "" if proc == "-" else proc
        stay = "" if stay == "-" else stay
        samples.append((code, name, diag, proc, sdiag, "" if sproc == "-" else sproc))
        base = to_fen(std3)
        for tier, pct in (("1", 70), ("2", 85), ("3", 100)):
            std = pct_of(base, pct, 10000)
            if code in SD_REVISED:
                std2 = pct_of(std, SD_REVISED[code], 10000)
                rows.append([code, name, diag, proc, tier, money(std), stay, OPEN_FROM, PERIOD1_TO])
                rows.append([code, name, diag, proc, tier, money(std2), stay, PERIOD2_FROM, ""])
            else:
                rows.append([code, name, diag, proc, tier, money(std), stay, OPEN_FROM, ""])
    rows.sort(key=lambda r: (r[0], r[4], r[7]))
    return rows, samples


def build_hospitals():
    rows = []
    for toks in table(D.HOSPITALS):
        code, tier, schemes, dfrom, dto, settlement, sd, name = toks
        rows.append([code, name, tier, schemes, dfrom, "" if dto == "-" else dto, settlement, sd])
    return rows


def build_budgets():
    rows = []
    for toks in table(D.BUDGETS):
        hosp, year, budget, keep, share, limit = toks
        rows.append([hosp, year, money(to_fen(budget)), keep, share, limit])
    return rows


def synth_hospitals(rng, n, used_codes):
    rows, budgets = [], []
    serial = 1000
    for i in range(n):
        area, district = D.AREAS[i % len(D.AREAS)]
        while True:
            code = f"H{area}{serial:05d}"
            serial += 1
            if code not in used_codes:
                used_codes.add(code)
                break
        k = i % 10
        tier = "1" if k < 6 else ("2" if k < 9 else "3")
        num = i // len(D.AREAS) + 1
        if tier == "1":
            name = f"{district}第{num}社区卫生服务中心"
        elif tier == "2":
            name = f"天津市{district}第{num}医院"
        else:
            name = f"天津市{district}第{num}专科医院"
        gb = i % 5 == 0
        rows.append([code, name, tier, "*", OPEN_FROM, "", "global-budget" if gb else "ffs",
                     "yes" if i % 2 == 0 else "no"])
        if gb:
            base = {"1": 150000, "2": 1200000, "3": 5000000}[tier]
            base = base * (60 + rng.randrange(81)) // 100 // 1000 * 1000
            for j, y in enumerate(YEARS):
                budgets.append([code, str(y), money((base + base * 5 * j // 100) * 100),
                                "50", "60", "10"])
    return rows, budgets


# ---------------------------------------------------------------------------
# members
# ---------------------------------------------------------------------------
# The story members that sample batches use, in this fixed order at the top of
# members.csv. Fields: area, birth, sequence (odd: man), name, scheme,
# category, enrolled_from, enrolled_to, paid_through, relief_from, relief_to,
# assistance_from, assistance_to, purpose. catalogs/README.md lists them.
STORY = [
    ("120104", "19521208", "341", "张卫东", "EMP", "in-service", "2001-10-01", "", "2006-12-31", "2004-01-01", "", "", "",
     "SPEC 4.5 example member: appendicitis K35.900 / 47.0901 at H12010300017 (tier 3, single disease SD001)"),
    ("120101", "19610315", "213", "刘建国", "EMP", "in-service", "2001-10-01", "", "2006-12-31", "2004-01-01", "", "", "",
     "large admissions at H12010100001 crossing the pool cap: over-pool, relief (A03, A04) and, later in the year, the relief cap (A05)"),
    ("120103", "19630722", "264", "陈秀兰", "EMP", "in-service", "2001-10-01", "", "2006-12-31", "2005-01-01", "", "2005-01-01", "",
     "relief and assistance together on a large 2005 admission at H12010400002 (global budget, tier 3)"),
    ("120102", "19380411", "157", "赵德福", "EMP", "retired", "2001-10-01", "", "", "", "", "2005-01-01", "",
     "retired, over the pool cap without relief: over-pool stays with the patient, assistance pays a share (A03, A06, no A04)"),
    ("120105", "19520229", "226", "孙玉珍", "EMP", "retired", "2001-10-01", "", "", "2004-01-01", "2004-12-31", "", "",
     "born 29 February 1952: age 52 on 2005-02-28, 53 on 2005-03-01; relief period closed 2004-12-31 (relief in 2004 only)"),
    ("120106", "19700918", "035", "周志强", "EMP", "in-service", "2001-10-01", "", "2005-03-31", "", "", "", "",
     "contributions in arrears: paid through 2005-03-31, so C05 for service dates from 2005-04-01"),
    ("120110", "19660603", "118", "吴桂英", "EMP", "in-service", "2000-01-01", "2004-06-30", "2004-06-30", "", "", "", "",
     "left the scheme: enrolled until 2004-06-30, so C04 for later service dates"),
    ("120111", "19800125", "093", "郑浩", "EMP", "in-service", "2005-07-01", "", "2006-12-31", "", "", "", "",
     "joined late: enrolled from 2005-07-01, so C04 for earlier service dates"),
    ("120104", "19760512", "402", "王丽", "EMP", "in-service", "2001-10-01", "", "2006-12-31", "", "", "", "",
     "woman: caesarean section O82.000 / 74.1000 at H12010400009 (single disease SD002); 黄体酮注射液 (sex F) in-policy"),
    ("120103", "19690830", "311", "李强", "EMP", "in-service", "2001-10-01", "", "2006-12-31", "", "", "", "",
     "man: 黄体酮注射液 self-pay L15; outpatient visits using the yearly 800 deductible (EMP outpatient group)"),
    ("120101", "19400217", "055", "马福生", "EMP", "retired", "2001-10-01", "", "", "", "", "", "",
     "retired diabetic: outpatient yearly deductible 700; 阿卡波糖片 in-policy with E11.900, L14 without; special-outpatient claims"),
    ("120113", "19660909", "077", "徐立新", "EMPCAT", "in-service", "2004-01-01", "", "2006-12-31", "", "", "", "",
     "EMPCAT covers no outpatient claims: an outpatient claim is C10; inpatient claims at H12011400105 (tier 2, ffs) are fine"),
    ("120102", "19481120", "186", "黄淑珍", "EMPCAT", "retired", "2003-07-01", "", "", "2004-01-01", "", "", "",
     "EMPCAT retiree with relief (lower EMPCAT pool cap: 45000 in 2004, 50000 in 2005 and 2006)"),
    ("120108", "19361005", "239", "何宝成", "RETCAT", "retired", "2003-07-01", "", "", "2004-01-01", "", "2005-01-01", "",
     "RETCAT retiree of a struggling firm: relief and the higher RETCAT assistance (60 %, cap 15000)"),
    ("120105", "19580714", "328", "罗秀英", "URB", "resident-adult", "2004-01-01", "", "2006-12-31", "", "", "", "",
     "URB adult: inpatient at tier 2 H12010500101 (global budget); URB outpatient claims are C10"),
    ("120104", "19990520", "015", "林子轩", "URB", "resident-child", "2004-07-01", "", "2006-12-31", "", "", "", "",
     "URB child: 天津市儿童医院 H12010300011 (URB;RUR only), tonsillectomy J35.000 / 28.2000 (SD013 tier 3); 小儿氨酚黄那敏颗粒 (max_age 14)"),
    ("120103", "20050310", "024", "杨欣怡", "URB", "resident-child", "2005-03-10", "", "2006-12-31", "", "", "", "",
     "newborn (2005-03-10): 新生儿床位费 and 注射用牛肺表面活性剂 (max_age 0) in-policy until 2006-03-09, L16 from 2006-03-10"),
    ("120225", "19550108", "131", "刘振兴", "RUR", "rural", "2003-01-01", "", "2006-12-31", "", "", "", "",
     "RUR farmer: appendicitis at 蓟县马伸桥镇卫生院 H12022500207 (tier 1, RUR only, SD001 tier 1); C06 at H12010500115 (EMP;EMPCAT;RETCAT)"),
    ("120223", "19880229", "046", "张晓月", "RUR", "rural", "2003-01-01", "", "2006-12-31", "", "", "", "",
     "born 29 February 1988: 盐酸左氧氟沙星片 (min_age 18) is L16 on 2006-02-28 and in-policy on 2006-03-01"),
    ("120115", "19410916", "062", "王桂兰", "RUR", "rural", "2003-01-01", "", "2006-12-31", "", "", "2005-01-01", "2006-06-30",
     "RUR assistance without relief (RUR has no relief terms), assistance ends 2006-06-30; H12011500208 (global budget, tier 1)"),
    ("120101", "19680402", "171", "高俊", "EMP", "in-service", "2001-10-01", "", "2006-12-31", "", "", "", "",
     "claims at H12010100201 (tier 1, 2005 budget only 50000): pushes the hospital over budget, A08 withheld"),
    ("120113", "19450623", "084", "曹秀梅", "EMP", "retired", "2001-10-01", "", "", "", "", "", "",
     "claims at H12011300103 in 2005 (global budget, no 2005 budget row): W01"),
    ("120104", "19720314", "259", "冯国强", "EMP", "in-service", "2001-10-01", "", "2006-12-31", "", "", "", "",
     "designation edges: H12010400117 designated until 2005-06-30, H12010600206 from 2005-07-01 (C06 outside)"),
    ("120106", "19591127", "135", "韩平", "EMP", "in-service", "2001-10-01", "", "2006-12-31", "2004-01-01", "", "", "",
     "admission over New Year (admitted 2004-12-27, discharged 2005-01-06: 2004 service date, 2005 policy year); voids and replacements"),
]

# A valid ID deliberately absent from members.csv (C03) and a wrong check
# character (C02), for sample batches; README lists them.
UNKNOWN_MEMBER = ("120102", "19750101", "999")


def story_members():
    rows, info = [], []
    for s in STORY:
        area, birth, seq, name, scheme, cat, ef, et, pt, rf, rt, af, at, purpose = s
        mid = id_with_check(area + birth + seq)
        rows.append([mid, name, scheme, cat, ef, et, pt, rf, rt, af, at])
        info.append((mid, name, scheme, cat, purpose))
    return rows, info


MEMBER_MIX = [  # (scheme, category, weight)
    (("EMP", "in-service"), 38), (("EMP", "retired"), 17),
    (("EMPCAT", "in-service"), 8), (("EMPCAT", "retired"), 3),
    (("RETCAT", "retired"), 5),
    (("URB", "resident-adult"), 10), (("URB", "resident-child"), 5),
    (("RUR", "rural"), 14),
]
_CUM = []
_acc = 0
for _v, _w in MEMBER_MIX:
    _acc += _w
    _CUM.append((_acc, _v))
_TOTAL = _acc

ORD = datetime.date.toordinal
O = lambda s: ORD(d(s))  # noqa: E731


def month_starts(a, b):
    """Ordinals of the first days of the months from a to b (ISO texts)."""
    out = []
    x = d(a)
    end = d(b)
    while x <= end:
        out.append(x.toordinal())
        x = datetime.date(x.year + (x.month == 12), x.month % 12 + 1, 1)
    return out


def month_ends(a, b):
    return [m - 1 for m in month_starts(a, b)[1:]]


BIRTH_RANGES = {  # (category, male) -> (first ordinal, last ordinal)
    ("in-service", True): (O("1946-01-01"), O("1985-12-31")),
    ("in-service", False): (O("1951-01-01"), O("1985-12-31")),
    ("retired", True): (O("1918-01-01"), O("1946-12-31")),
    ("retired", False): (O("1918-01-01"), O("1955-12-31")),
    ("resident-adult", True): (O("1920-01-01"), O("1985-12-31")),
    ("resident-adult", False): (O("1920-01-01"), O("1985-12-31")),
    ("resident-child", True): (O("1989-01-01"), O("2005-06-30")),
    ("resident-child", False): (O("1989-01-01"), O("2005-06-30")),
    ("rural", True): (O("1925-01-01"), O("2005-06-30")),
    ("rural", False): (O("1925-01-01"), O("2005-06-30")),
}
ENROL_MONTHS = {
    "EMP": month_starts("2000-01-01", "2004-01-01"),
    "EMP-late": month_starts("2004-02-01", "2006-06-01"),
    "EMPCAT": month_starts("2003-07-01", "2005-06-01"),
    "RETCAT": month_starts("2003-01-01", "2004-12-01"),
    "URB": month_starts("2004-01-01", "2005-12-01"),
    "RUR": month_starts("2003-01-01", "2005-06-01"),
}
LEAVE_ENDS = month_ends("2004-01-01", "2006-07-01")        # 2004-01-31 .. 2006-06-30
ARREARS_ENDS = [O(x) for x in ("2004-06-30", "2004-09-30", "2004-12-31", "2005-03-31",
                              "2005-06-30", "2005-09-30", "2005-12-31")]
PAID_ALL = "2006-12-31"
Y2004, Y2005 = O("2004-01-01"), O("2005-01-01")
RELIEF_ENDS = [O("2004-12-31"), O("2005-12-31")]
ASSIST_ENDS = [O("2005-12-31"), O("2006-06-30")]
LEAP_YEARS = {"in-service": [1952, 1956, 1960, 1964, 1968, 1972, 1976, 1980, 1984],
              "retired": [1920, 1924, 1928, 1932, 1936, 1940, 1944],
              "resident-adult": [1924, 1936, 1948, 1960, 1972, 1984],
              "resident-child": [1992, 1996, 2000, 2004],
              "rural": [1928, 1940, 1952, 1964, 1976, 1988, 2000]}

_ISO = {}
_COMPACT = {}


def iso(o):
    s = _ISO.get(o)
    if s is None:
        s = datetime.date.fromordinal(o).isoformat()
        _ISO[o] = s
    return s


def compact(o):
    s = _COMPACT.get(o)
    if s is None:
        s = iso(o).replace("-", "")
        _COMPACT[o] = s
    return s


URBAN_AREAS = [a for a, _ in D.AREAS]


def gen_members(rng, count, used, leap_every=400):
    """count random members; used is the set of ids taken (updated)."""
    rnd = rng.random
    def rr(n):  # faster than randrange; the same uniform choice for our n
        return int(rnd() * n)
    surn, mchars, fchars = D.SURNAMES, D.MALE_CHARS, D.FEMALE_CHARS
    ns, nm, nf = len(surn), len(mchars), len(fchars)
    rural, urban = D.RURAL_AREAS, URBAN_AREAS
    nr, nu = len(rural), len(urban)
    out = []
    for i in range(count):
        r = rnd() * _TOTAL
        for acc, (scheme, cat) in _CUM:
            if r < acc:
                break
        male = rnd() < 0.5
        if i % leap_every == leap_every - 1:
            ys = LEAP_YEARS[cat]
            b = ORD(datetime.date(ys[rr(len(ys))], 2, 29))
        else:
            lo, hi = BIRTH_RANGES[(cat, male)]
            b = lo + rr(hi - lo + 1)
        area = rural[rr(nr)] if scheme == "RUR" else urban[rr(nu)]
        while True:
            first17 = f"{area}{compact(b)}{rr(500) * 2 + male:03d}"
            mid = id_with_check(first17)
            if mid not in used:
                used.add(mid)
                break
        chars = mchars if male else fchars
        n = chars[rr(nm if male else nf)]
        if rnd() < 0.7:
            n += chars[rr(nm if male else nf)]
        name = surn[rr(ns)] + n
        # enrolment
        if scheme == "EMP":
            months = ENROL_MONTHS["EMP" if rnd() < 0.88 else "EMP-late"]
        else:
            months = ENROL_MONTHS[scheme]
        ef = months[rr(len(months))]
        if ef < b:
            ef = b
        et = ""
        retired = cat == "retired"
        paid = "" if retired else PAID_ALL
        if rnd() < 0.03:
            ends = [e for e in LEAVE_ENDS if e >= ef + 180]
            if ends:
                e = ends[rr(len(ends))]
                et = iso(e)
                if not retired:
                    paid = et
        if not retired and rnd() < 0.04:
            ends = [e for e in ARREARS_ENDS if e >= ef + 60]
            if ends:
                e = ends[rr(len(ends))]
                if paid == PAID_ALL or e < O(paid):
                    paid = iso(e)
        rf = rt = af = at = ""
        if scheme != "RUR" and rnd() < 0.11:
            f = max(ef, Y2004)
            rf = iso(f)
            if rnd() < 0.25:
                ends = [e for e in RELIEF_ENDS if e >= f]
                if ends:
                    rt = iso(ends[rr(len(ends))])
        if rnd() < 0.05:
            f = max(ef, Y2005)
            af = iso(f)
            if rnd() < 0.3:
                ends = [e for e in ASSIST_ENDS if e >= f]
                if ends:
                    at = iso(ends[rr(len(ends))])
        out.append([mid, name, scheme, cat, iso(ef), et, paid, rf, rt, af, at])
    return out


# ---------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------
def write_csv(folder, fname, rows, dict_rows=False):
    path = os.path.join(folder, fname)
    tmp = path + ".tmp"
    cols = HEADERS[fname]
    with open(tmp, "w", encoding="utf-8", newline="", buffering=1 << 20) as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(cols)
        if dict_rows:
            w.writerows([r[c] for c in cols] for r in rows)
        else:
            w.writerows(rows)
    os.replace(tmp, path)


def write_text(folder, fname, text):
    path = os.path.join(folder, fname)
    with open(path + ".tmp", "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(path + ".tmp", path)


# ---------------------------------------------------------------------------
# README.md (default catalog only)
# ---------------------------------------------------------------------------
HANDY = [
    ("drugs.csv", "复方氯己定含漱液", "the SPEC 4.5 example code; billed at 12.50 by a tier-1 hospital it is L05"),
    ("drugs.csv", "黄体酮注射液", "sex F: L15 for a man"),
    ("drugs.csv", "阿卡波糖片", "diagnosis pattern: L14 without an E10–E14 diagnosis (e.g. E11.900)"),
    ("drugs.csv", "盐酸左氧氟沙星片", "min_age 18 (L16); cheaper from 2006"),
    ("drugs.csv", "小儿氨酚黄那敏颗粒", "max_age 14"),
    ("drugs.csv", "注射用牛肺表面活性剂", "max_age 0, min_tier 3, cap"),
    ("drugs.csv", "注射用头孢曲松钠", "max_daily 4 (L06); 2006 price cut"),
    ("drugs.csv", "人血白蛋白(10g)", "cap (L21), diagnosis, max_daily 3, B first-pay (L23); dearer from 2006"),
    ("drugs.csv", "注射用亚胺培南西司他丁钠", "min_tier 3 (L13), cap"),
    ("drugs.csv", "胰岛素注射液", "fractional max_daily 0.5"),
    ("drugs.csv", "甘精胰岛素注射液", "X: L12"),
    ("drugs.csv", "埃索美拉唑镁肠溶片", "X until 2005-12-31, B from 2006-01-01"),
    ("drugs.csv", "西咪替丁注射液", "delisted after 2005-12-31: L11 in 2006"),
    ("drugs.csv", "左乙拉西坦片", "listed from 2006-01-01: L11 before"),
    ("drugs.csv", "葡萄糖注射液(5%,500ml)", "a quoted name in the CSV"),
    ("treatments.csv", "头颅CT平扫", "large exam: B with cap (L21 then L23)"),
    ("treatments.csv", "磁共振成像MRI平扫(每部位)", "large exam: B with cap"),
    ("treatments.csv", "正电子发射计算机断层显像(PET-CT)", "min_tier 3, cap, max_daily 1"),
    ("treatments.csv", "血常规(全血细胞分析)", "A exam, max_daily 3"),
    ("treatments.csv", "一级护理", "max_daily 1"),
    ("treatments.csv", "静脉输液(第一组)", "max_daily 1"),
    ("treatments.csv", "阑尾切除术", "appendectomy (with SD001)"),
    ("treatments.csv", "剖宫产术", "sex F (with SD002)"),
    ("treatments.csv", "白内障超声乳化摘除术", "cataract surgery (with SD003)"),
    ("treatments.csv", "冠状动脉药物洗脱支架", "material: cap, min_tier 3, cheaper from 2006"),
    ("treatments.csv", "人工晶体(折叠式)", "material with cap"),
    ("treatments.csv", "一次性使用输液器", "A material, max_daily 10"),
    ("treatments.csv", "重睑成形术", "X: cosmetic surgery"),
    ("treatments.csv", "健康体检(套餐)", "X: health check-up"),
    ("facilities.csv", "普通病房床位费(三人间及以上)", "bed fee at the standard: no L22"),
    ("facilities.csv", "单人间病房床位费", "bed fee above the standard at every tier: L22"),
    ("facilities.csv", "监护病房(ICU)床位费", "min_tier 2"),
    ("facilities.csv", "新生儿床位费", "max_age 0"),
    ("facilities.csv", "住院诊查费", "daily inpatient consultation fee"),
    ("facilities.csv", "病房取暖费(每床日)", "heating fee above the standard at tier 3"),
    ("facilities.csv", "挂号费", "X: registration fee"),
]


def md(v):
    return str(v).replace("|", "\\|")


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        out.append("| " + " | ".join(md(c) for c in r) + " |")
    return "\n".join(out)


def bands_text(bands):
    parts = []
    for upto, pct in bands:
        parts.append(f"{pct} % to {upto}" if upto else f"{pct} % above")
    return ", ".join(parts)


def readme_text(drugs, treats, facs, sd_rows, sd_samples, hospitals, budgets, members, story_info):
    with open(os.path.join(HERE, "README.in.md"), encoding="utf-8") as fh:
        text = fh.read()
    counts = md_table(["file", "rows", "content"], [
        ("policy.xml", f"{sum(len(b) for _, _, ys in policy_model() for _, _, b in ys)} benefits",
         "5 schemes × 3 years: groups and benefits"),
        ("drugs.csv", len(drugs), f"{len({r['code'] for r in drugs})} drug codes (用药目录)"),
        ("treatments.csv", len(treats), f"{len({r['code'] for r in treats})} service and material codes (诊疗项目)"),
        ("facilities.csv", len(facs), f"{len({r['code'] for r in facs})} facility standards (医疗服务设施标准)"),
        ("single_disease.csv", len(sd_rows), f"{len(sd_samples)} diseases × 3 tiers (单病种)"),
        ("hospitals.csv", len(hospitals), "designated hospitals (定点医疗机构)"),
        ("budgets.csv", len(budgets), "global-budget rows (总额预付)"),
        ("members.csv", len(members), f"{len(story_info)} story members first, then random members"),
    ])
    model = policy_model()
    grows = []
    for code, _, years in model:
        gcodes = [g["code"] for g in years[0][1]]
        for gc in gcodes:
            caps, rel, ass = [], [], []
            for y, groups, _ in years:
                g = next(g for g in groups if g["code"] == gc)
                caps.append(g["pool-cap"])
                rel.append(f"{g['relief'][0]} %, cap {g['relief'][1]}" if g["relief"] else "—")
                ass.append(f"{g['assistance'][0]} %, cap {g['assistance'][1]}" if g["assistance"] else "—")
            grows.append((code, gc, " / ".join(caps), " / ".join(rel), " / ".join(ass)))
    groups = md_table(["scheme", "group", "pool-cap 2004 / 2005 / 2006", "relief 2004 / 2005 / 2006",
                       "assistance 2004 / 2005 / 2006"], grows)
    brows = []
    for code, _, years in model:
        first = years[0][2]
        assert all(b == first for _, _, b in years), "benefits differ between years"
        for b in first:
            ded = b["deductible"] + (f" ({b['repeat-deductible']})" if b["repeat-deductible"] else "")
            brows.append((code, b["claim-type"], b["category"], b["tier"], b["group"],
                          b["deductible-basis"], ded, bands_text(b["bands"])))
    benefits = ("The benefits are the same in all three years; only the groups change.\n\n"
                + md_table(["scheme", "claim type", "category", "tier", "group", "basis",
                            "deductible", "bands"], brows))

    def mix(rows):
        first = {}
        for r in rows:
            first.setdefault(r["code"], r)
        n = len(first)
        c = {k: sum(1 for r in first.values() if r["coverage"] == k) for k in "ABX"}
        return (f"{c['A']} A ({c['A'] * 100 // n} %), {c['B']} B ({c['B'] * 100 // n} %), "
                f"{c['X']} X ({c['X'] * 100 // n} %)")
    mixes = (f"drugs {mix(drugs)}; treatments {mix(treats)}; facilities {mix(facs)} "
             f"(counted by code). Rows with a cap: drugs {sum(1 for r in drugs if r['cap'])}, "
             f"treatments {sum(1 for r in treats if r['cap'])}, facilities "
             f"{sum(1 for r in facs if r['cap'])}.")
    by_name = {}
    for fname, rows in (("drugs.csv", drugs), ("treatments.csv", treats), ("facilities.csv", facs)):
        for r in rows:
            by_name.setdefault((fname, r["name"]), []).append(r)
    hrows = []
    for fname, name, use in HANDY:
        rows = by_name[(fname, name)]
        for r in rows:
            lim = []
            if r["max_daily"]:
                lim.append(f"max_daily {r['max_daily']}")
            if r["min_tier"]:
                lim.append(f"min_tier {r['min_tier']}")
            if r["diagnosis"]:
                lim.append(f"diagnosis `{r['diagnosis']}`")
            if r["sex"]:
                lim.append(f"sex {r['sex']}")
            if r["min_age"] or r["max_age"]:
                lim.append(f"age {r['min_age']}–{r['max_age']}")
            cov = r["coverage"] + (f" {r['first_pay']} %" if r["first_pay"] else "")
            prices = " / ".join(p or "—" for p in (r["price_t1"], r["price_t2"], r["price_t3"]))
            valid = f"{r['valid_from']}..{r['valid_to']}"
            hrows.append((fname.split(".")[0], f"`{r['code']}`", name, cov, prices,
                          r["cap"] or "—", ", ".join(lim) or "—", valid, use))
    handy = md_table(["file", "code", "name", "coverage", "t1 / t2 / t3", "cap", "limits",
                      "valid", "use"], hrows)
    sdrows = []
    samples = {s[0]: s for s in sd_samples}
    for code, name, diag, proc, _, sdiag, sproc in ((s[0], s[1], s[2], s[3], None, s[4], s[5])
                                                    for s in sd_samples):
        stds = {r[4]: r[5] for r in sd_rows if r[0] == code and r[7] == OPEN_FROM}
        stay = next(r[6] for r in sd_rows if r[0] == code)
        sdrows.append((code, name, f"`{diag}`", f"`{proc}`" if proc else "—",
                       f"{stds['1']} / {stds['2']} / {stds['3']}", stay or "—",
                       f"{sdiag} / {sproc or '—'}"))
    sd = md_table(["code", "name", "diagnosis", "procedure", "standard t1 / t2 / t3",
                   "max_stay", "sample diagnosis / procedure"], sdrows)
    bud = {}
    for b in budgets:
        bud.setdefault(b[0], {})[b[1]] = b[2]
    hrows2 = []
    for h in hospitals:
        code, name, tier, schemes, dfrom, dto, settle, sdf = h
        b = bud.get(code, {})
        bt = " / ".join(b.get(str(y), "—") for y in YEARS) if b else "—"
        hrows2.append((f"`{code}`", name, tier, schemes, f"{dfrom}..{dto}", settle, sdf, bt))
    hosp = md_table(["code", "name", "tier", "schemes", "designated", "settlement",
                     "single disease", "budget 2004 / 2005 / 2006"], hrows2)
    story = md_table(["#", "id", "name", "scheme", "category", "purpose"],
                     [(i + 1, f"`{mid}`", name, sch, cat, purpose)
                      for i, (mid, name, sch, cat, purpose) in enumerate(story_info)])
    unknown = id_with_check("".join(UNKNOWN_MEMBER))
    spec = story_info[0][0]
    bad = spec[:17] + ("0" if spec[17] != "0" else "1")
    extra = (f"`{unknown}` is a valid resident ID that is **not** in `members.csv` (C03); "
             f"`{bad}` has a wrong check character (C02); `{spec[:17]}x` is story member 1 "
             f"written with a lowercase `x` (valid, read as `X`). Other handy diagnosis codes: "
             f"`E11.900` (type 2 diabetes), `I10.x00` (hypertension, as in the SPEC example), "
             f"`B18.100` (chronic hepatitis B), `N18.000` (end-stage renal disease), "
             f"`E88.001` (hypoalbuminaemia).")
    for key, val in (("@@COUNTS@@", counts), ("@@GROUPS@@", groups), ("@@BENEFITS@@", benefits),
                     ("@@MIX@@", mixes), ("@@HANDY@@", handy), ("@@SD@@", sd),
                     ("@@HOSPITALS@@", hosp), ("@@STORY@@", story), ("@@EXTRA_IDS@@", extra)):
        assert key in text, key
        text = text.replace(key, val)
    assert "@@" not in text
    return text


def self_checks(sd_samples, story_info, members_ids):
    """Checks on the generator's own promises beyond check_catalog."""
    fmt = {k: __import__("re").compile(p) for k, p in check_catalog.CODE_FORMATS.items()}
    import re
    for code, name, diag, proc, sdiag, sproc in sd_samples:
        assert fmt["diagnosis"].search(sdiag), (code, sdiag)
        assert re.search(diag, sdiag), (code, diag, sdiag)
        if proc:
            assert fmt["procedure"].search(sproc), (code, sproc)
            assert re.search(proc, sproc), (code, proc, sproc)
    spec_member = "12010419521208341X"
    assert story_info[0][0] == spec_member, story_info[0][0]
    unknown = id_with_check("".join(UNKNOWN_MEMBER))
    assert unknown not in members_ids, unknown


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: catalogs/)")
    ap.add_argument("--items", type=int, default=None,
                    help="total item rows over the three item files (default: the curated set)")
    ap.add_argument("--members", type=int, default=DEFAULT_MEMBERS,
                    help=f"members.csv rows (default {DEFAULT_MEMBERS})")
    ap.add_argument("--hospitals", type=int, default=None,
                    help="hospitals.csv rows (default: the curated set)")
    ap.add_argument("--seed", type=int, default=SEED,
                    help=f"random seed (default {SEED}; the committed catalog uses the default)")
    ap.add_argument("--no-check", action="store_true",
                    help="skip the validation pass (not recommended)")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    gc.disable()   # millions of small lists and no cycles: the collector only costs time
    seed = args.seed

    # Independent streams, so that adding rows of one kind never changes another.
    used_items = set()
    drugs, drug_t = build_drugs(random.Random(seed * 100 + 1), used_items)
    servs, serv_t = build_services(random.Random(seed * 100 + 2), used_items)
    mats, mat_t = build_materials(random.Random(seed * 100 + 3), used_items)
    facs, fac_t = build_facilities(used_items)
    treats = servs + mats
    base_items = len(drugs) + len(treats) + len(facs)
    if args.items is not None:
        if args.items < base_items:
            ap.error(f"--items must be at least {base_items} (the curated catalog)")
        xd, xt, xf = synth_items(random.Random(seed * 100 + 11), args.items - base_items,
                                 drug_t, serv_t, mat_t, fac_t, used_items)
        drugs += xd
        treats += xt
        facs += xf
    key = lambda r: (r["code"], r["valid_from"])  # noqa: E731
    drugs.sort(key=key)
    treats.sort(key=key)
    facs.sort(key=key)

    sd_rows, sd_samples = build_single_disease()
    hospitals = build_hospitals()
    budgets = build_budgets()
    if args.hospitals is not None:
        if args.hospitals < len(hospitals):
            ap.error(f"--hospitals must be at least {len(hospitals)} (the curated catalog)")
        hs, bs = synth_hospitals(random.Random(seed * 100 + 12), args.hospitals - len(hospitals),
                                 {h[0] for h in hospitals})
        hospitals += hs
        budgets += bs
    hospitals.sort(key=lambda r: r[0])
    budgets.sort(key=lambda r: (r[0], r[1]))

    story, story_info = story_members()
    used_ids = {r[0] for r in story}
    assert len(used_ids) == len(story)
    n_random = max(0, args.members - len(story))
    base_n = min(n_random, DEFAULT_MEMBERS - len(story))
    random_members = gen_members(random.Random(seed * 100 + 21), base_n, used_ids)
    if n_random > base_n:
        random_members += gen_members(random.Random(seed * 100 + 22), n_random - base_n, used_ids)
    random_members.sort(key=lambda r: r[0])
    if args.members < len(story):
        story = story[:args.members]
    self_checks(sd_samples, story_info, used_ids)

    out = args.out
    os.makedirs(out, exist_ok=True)
    write_text(out, "policy.xml", policy_xml())
    write_csv(out, "drugs.csv", drugs, dict_rows=True)
    write_csv(out, "treatments.csv", treats, dict_rows=True)
    write_csv(out, "facilities.csv", facs, dict_rows=True)
    write_csv(out, "single_disease.csv", sd_rows)
    write_csv(out, "hospitals.csv", hospitals)
    write_csv(out, "budgets.csv", budgets)
    write_csv(out, "members.csv", story + random_members)
    default = (args.items is None and args.hospitals is None and args.members == DEFAULT_MEMBERS
               and seed == SEED)
    if default:
        write_text(out, "README.md", readme_text(drugs, treats, facs, sd_rows, sd_samples, hospitals,
                                                 budgets, story + random_members, story_info))
    t1 = time.monotonic()
    print(f"wrote {out}: drugs {len(drugs)}, treatments {len(treats)}, facilities {len(facs)}, "
          f"single_disease {len(sd_rows)}, hospitals {len(hospitals)}, budgets {len(budgets)}, "
          f"members {len(story) + len(random_members)} ({t1 - t0:.1f}s)", file=sys.stderr)
    if args.no_check:
        return 0
    errors, _ = check_catalog.check(out)
    for e in errors[:100]:
        print(e, file=sys.stderr)
    if errors:
        print(f"make_catalogs: the generated catalog in {out} is INVALID "
              f"({len(errors)} problem(s)); fix the generator", file=sys.stderr)
        return 1
    print(f"checked {out}: ok ({time.monotonic() - t1:.1f}s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
