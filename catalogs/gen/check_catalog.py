#!/usr/bin/python3
"""Validate a catalog folder against the contract (SPEC sections 3 and 4).

Usage: check_catalog.py [--contract-only] DIR

Reads policy.xml and the seven CSV files of DIR and checks every value the
generator wrote: file encoding and line endings, the exact header of each
file, every money / percent / quantity / date value, code formats, the
resident-ID check character, unique keys, non-overlapping validity periods,
non-overlapping benefits, bands, groups, and that every member's scheme and
category are known to the policy.

Besides the contract, it also checks the consistency rules the generator
promises (a category that fits the member's age, every named category of a
covered claim type finds a benefit at every tier, ...). --contract-only skips
those and checks only what SPEC section 4 requires.

Exit status 0 when the folder is valid, 1 otherwise (the problems are listed
on stderr as file:line: column: message). Python 3.11 standard library only.
"""

import csv
import datetime
import gc
import operator
import os
import re
import sys
import xml.etree.ElementTree as ET

NS = "urn:adjudicator:policy:1"

# SPEC section 4.1, verbatim.
CODE_FORMATS = {
    "drug": r"^X[A-Z][0-9]{2}[A-Z]{3}[0-9]{3}[A-Z][0-9]{3}[0-9]{9}$",
    "service": r"^00[0-9]{13}$",
    "material": r"^C[0-9]{19}$",
    "diagnosis": r"^[A-Z][0-9]{2}\.[0-9x][0-9]{2}(x[0-9]{3})?$",
    "procedure": r"^[0-9]{2}\.[0-9]{2,4}(x[0-9]{3})?$",
    "hospital": r"^H[0-9]{11}$",
}
CODE_FORMAT_ORDER = ["drug", "service", "material", "diagnosis", "procedure", "hospital"]

ITEM_COLUMNS = ["code", "name", "class", "coverage", "first_pay", "price_t1", "price_t2",
                "price_t3", "cap", "max_daily", "min_tier", "diagnosis", "sex", "min_age",
                "max_age", "valid_from", "valid_to"]
HEADERS = {
    "drugs.csv": ITEM_COLUMNS,
    "treatments.csv": ITEM_COLUMNS,
    "facilities.csv": ITEM_COLUMNS,
    "single_disease.csv": ["code", "name", "diagnosis", "procedure", "tier", "standard",
                           "max_stay", "valid_from", "valid_to"],
    "hospitals.csv": ["code", "name", "tier", "schemes", "designated_from", "designated_to",
                      "settlement", "single_disease"],
    "budgets.csv": ["hospital", "year", "budget", "surplus_retain", "overrun_share",
                    "overrun_limit"],
    "members.csv": ["id", "name", "scheme", "category", "enrolled_from", "enrolled_to",
                    "paid_through", "relief_from", "relief_to", "assistance_from",
                    "assistance_to"],
}
FILES = ["policy.xml"] + list(HEADERS)

RE_MONEY = re.compile(r"(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?")
RE_PERCENT = re.compile(r"(100|[0-9]{1,2})(\.[0-9]{1,2})?")
RE_QTY = re.compile(r"(0|[1-9][0-9]{0,6})(\.[0-9]{1,3})?")
RE_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
RE_TOKEN = re.compile(r"[a-z][a-z0-9-]*")
RE_SCHEME = re.compile(r"[A-Z][A-Z0-9]*")
RE_AGE = re.compile(r"0|[1-9][0-9]{0,2}")
RE_YEAR = re.compile(r"[0-9]{4}")
RE_ID = re.compile(r"[1-9][0-9]{16}[0-9X]")
RE_CTRL = re.compile(r"[\x00-\x1f\x7f]")
RE_CTRL_TEXT = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
RE_ODD_SPACE = re.compile(r"[\t\u3000\xa0]")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


_W = bytes(ID_WEIGHTS)
_W_OFFSET = 48 * sum(ID_WEIGHTS)


def id_check_char(first17):
    """GB 11643 mod 11-2 check character of the first 17 digits (ASCII digits)."""
    return ID_CHECK[(sum(map(operator.mul, first17.encode("ascii"), _W)) - _W_OFFSET) % 11]


def to_fen(text):
    """Decimal yuan text (already matched by RE_MONEY) to integer fen."""
    if "." in text:
        whole, frac = text.split(".")
        return int(whole) * 100 + int((frac + "0")[:2])
    return int(text) * 100


def to_bp(text):
    if "." in text:
        whole, frac = text.split(".")
        return int(whole) * 100 + int((frac + "0")[:2])
    return int(text) * 100


def to_milli(text):
    if "." in text:
        whole, frac = text.split(".")
        return int(whole) * 1000 + int((frac + "00")[:3])
    return int(text) * 1000


class Checker:
    def __init__(self, folder, strict=True):
        self.folder = folder
        self.strict = strict
        self.errors = []
        self.counts = {}
        self._dates = {}
        self.schemes = {}          # code -> {"categories": set, "star": bool, "years": set}
        self.hospitals = {}        # code -> row dict

    # -- reporting -------------------------------------------------------
    def err(self, fname, line, column, msg):
        self.errors.append(f"{fname}:{line}: {column}: {msg}")

    # -- value helpers ---------------------------------------------------
    def date(self, text):
        """datetime.date for a valid ISO date text, else None."""
        d = self._dates.get(text, False)
        if d is False:
            d = None
            if RE_DATE.fullmatch(text):
                try:
                    d = datetime.date.fromisoformat(text)
                except ValueError:
                    d = None
                if d is not None and d.year < 1900:
                    d = None
            self._dates[text] = d
        return d

    def need_date(self, f, ln, col, text, required=True):
        if text == "":
            if required:
                self.err(f, ln, col, "required date missing")
            return None
        d = self.date(text)
        if d is None:
            self.err(f, ln, col, f"not a calendar date YYYY-MM-DD: {text!r}")
        return d

    def money(self, f, ln, col, text, required=True, positive=False):
        if text == "":
            if required:
                self.err(f, ln, col, "required amount missing")
            return None
        if not RE_MONEY.fullmatch(text):
            self.err(f, ln, col, f"not a yuan amount: {text!r}")
            return None
        v = to_fen(text)
        if positive and v <= 0:
            self.err(f, ln, col, f"must be > 0: {text!r}")
        return v

    def percent(self, f, ln, col, text, required=True):
        if text == "":
            if required:
                self.err(f, ln, col, "required percent missing")
            return None
        if not RE_PERCENT.fullmatch(text) or to_bp(text) > 10000:
            self.err(f, ln, col, f"not a percent 0..100: {text!r}")
            return None
        return to_bp(text)

    def pattern(self, f, ln, col, text):
        try:
            return re.compile(text)
        except re.error as e:
            self.err(f, ln, col, f"pattern does not compile: {e}")
            return None

    # -- files -----------------------------------------------------------
    def read_csv(self, fname):
        path = os.path.join(self.folder, fname)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as e:
            self.err(fname, 0, "-", f"cannot read: {e}")
            return []
        if data.startswith(b"\xef\xbb\xbf"):
            self.err(fname, 1, "-", "byte-order mark present (the generator writes none)")
        if b"\r" in data:
            self.err(fname, 1, "-", "CR found: lines must end in LF only")
        if not data.endswith(b"\n"):
            self.err(fname, 1, "-", "file does not end with a line feed")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            self.err(fname, 1, "-", f"not UTF-8: {e}")
            return []
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if '"' in text:
            rows = list(csv.reader(lines))
        else:
            # Without a quote character RFC 4180 parsing is a plain split
            # (and much faster on a million members).
            rows = [line.split(",") if line else [] for line in lines]
        if not rows:
            self.err(fname, 1, "-", "empty file")
            return []
        header = rows[0]
        want = HEADERS[fname]
        if header != want:
            self.err(fname, 1, "header", f"expected {','.join(want)} got {','.join(header)}")
            return []
        if len(rows) != len(lines):
            self.err(fname, 1, "-", "a quoted field spans lines (the generator writes none)")
        # Whole-file screens first; the per-field check only runs on a hit.
        suspicious = (RE_CTRL_TEXT.search(text) or RE_ODD_SPACE.search(text)
                      or text.startswith(" ") or " ," in text or ", " in text
                      or " \n" in text or "\n " in text)
        out = []
        n = len(want)
        for i, row in enumerate(rows[1:], start=2):
            if len(row) != n:
                self.err(fname, i, "-", "empty line" if not row else f"{len(row)} fields, expected {n}")
                continue
            if suspicious:
                for col, val in zip(want, row):
                    if RE_CTRL.search(val) or val != val.strip():
                        self.err(fname, i, col, f"control character or surrounding space: {val!r}")
            out.append((i, row))
        self.counts[fname] = len(out)
        return out

    # -- policy ----------------------------------------------------------
    def check_policy(self):
        f = "policy.xml"
        path = os.path.join(self.folder, f)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as e:
            self.err(f, 0, "-", f"cannot read: {e}")
            return
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            self.err(f, 1, "-", "DOCTYPE or ENTITY declaration present")
        if b"\r" in data or data.startswith(b"\xef\xbb\xbf"):
            self.err(f, 1, "-", "CR or BOM present")
        try:
            root = ET.fromstring(data)
        except ET.ParseError as e:
            self.err(f, 0, "-", f"not well-formed: {e}")
            return
        q = lambda n: f"{{{NS}}}{n}"
        if root.tag != q("policy"):
            self.err(f, 1, "policy", f"root must be policy in {NS}, got {root.tag}")
            return
        formats = []
        benefits = []   # (scheme, year, claim_type, category, tier, where)
        for child in root:
            if child.tag == q("code-format"):
                self._attrs(f, child, {"kind", "pattern"}, {"kind", "pattern"})
                formats.append((child.get("kind"), child.get("pattern")))
                if child.get("pattern") is not None:
                    self.pattern(f, 0, "code-format", child.get("pattern"))
            elif child.tag == q("scheme"):
                self._scheme(f, child, q, benefits)
            else:
                self.err(f, 0, child.tag, "unknown element under policy")
        kinds = [k for k, _ in formats]
        if sorted(kinds) != sorted(CODE_FORMAT_ORDER) or len(set(kinds)) != 6:
            self.err(f, 0, "code-format", f"need each of {CODE_FORMAT_ORDER} once, got {kinds}")
        for k, p in formats:
            if k in CODE_FORMATS and p != CODE_FORMATS[k]:
                self.err(f, 0, "code-format", f"{k} pattern {p!r} differs from SPEC {CODE_FORMATS[k]!r}")
        self.formats = {k: re.compile(p) for k, p in formats if k in CODE_FORMATS}
        # Overlap rule (SPEC 4.1).
        by_key = {}
        for b in benefits:
            by_key.setdefault(b[:3], []).append(b)
        for key, lst in by_key.items():
            for i in range(len(lst)):
                for j in range(i + 1, len(lst)):
                    a, b = lst[i], lst[j]
                    cat = a[3] == b[3] or a[3] == "*" or b[3] == "*"
                    tier = a[4] == b[4] or a[4] == "*" or b[4] == "*"
                    if cat and tier:
                        self.err(f, 0, "benefit", f"overlap in {key}: {a[5]} and {b[5]}")
            if self.strict:
                named = self.schemes[key[0]]["categories"]
                for c in sorted(named):
                    for t in "123":
                        n = sum(1 for b in lst if b[3] in (c, "*") and b[4] in (t, "*"))
                        if n != 1:
                            self.err(f, 0, "benefit",
                                     f"{key}: category {c} tier {t} matches {n} benefits")
        self.counts["policy.xml benefits"] = len(benefits)

    def _attrs(self, f, el, allowed, required):
        for a in el.attrib:
            if a not in allowed:
                self.err(f, 0, el.tag.split("}")[-1], f"unknown attribute {a}")
        for a in required:
            if el.get(a) is None:
                self.err(f, 0, el.tag.split("}")[-1], f"missing attribute {a}")

    def _scheme(self, f, el, q, benefits):
        self._attrs(f, el, {"code", "name"}, {"code", "name"})
        code = el.get("code", "")
        if not RE_SCHEME.fullmatch(code):
            self.err(f, 0, "scheme", f"bad scheme code {code!r}")
        if code in self.schemes:
            self.err(f, 0, "scheme", f"scheme {code} repeated")
        info = self.schemes.setdefault(code, {"categories": set(), "star": False, "years": set()})
        for y in el:
            if y.tag != q("year"):
                self.err(f, 0, code, f"unknown element {y.tag}")
                continue
            self._attrs(f, y, {"value"}, {"value"})
            year = y.get("value", "")
            if not RE_YEAR.fullmatch(year):
                self.err(f, 0, code, f"bad year {year!r}")
            if year in info["years"]:
                self.err(f, 0, code, f"year {year} repeated")
            info["years"].add(year)
            groups = set()
            for g in y:
                if g.tag == q("group"):
                    self._attrs(f, g, {"code", "pool-cap", "relief-percent", "relief-cap",
                                       "assistance-percent", "assistance-cap"}, {"code", "pool-cap"})
                    gc = g.get("code", "")
                    where = f"{code}/{year}/group {gc}"
                    if not RE_TOKEN.fullmatch(gc):
                        self.err(f, 0, where, "bad group code")
                    if gc in groups:
                        self.err(f, 0, where, "group repeated")
                    groups.add(gc)
                    self.money(f, 0, where + " pool-cap", g.get("pool-cap", ""))
                    for a, b in (("relief-percent", "relief-cap"),
                                 ("assistance-percent", "assistance-cap")):
                        if (g.get(a) is None) != (g.get(b) is None):
                            self.err(f, 0, where, f"{a} and {b} must come together")
                        if g.get(a) is not None:
                            self.percent(f, 0, where + " " + a, g.get(a))
                        if g.get(b) is not None:
                            self.money(f, 0, where + " " + b, g.get(b))
            for b in y:
                if b.tag == q("group"):
                    continue
                if b.tag != q("benefit"):
                    self.err(f, 0, code, f"unknown element {b.tag}")
                    continue
                self._attrs(f, b, {"claim-type", "category", "tier", "group", "deductible-basis",
                                   "deductible", "repeat-deductible"},
                            {"claim-type", "category", "tier", "group", "deductible-basis",
                             "deductible"})
                ct, cat, tier = b.get("claim-type", ""), b.get("category", ""), b.get("tier", "")
                where = f"{code}/{year}/benefit {ct} {cat} {tier}"
                if ct not in ("inpatient", "special-outpatient", "outpatient"):
                    self.err(f, 0, where, "bad claim-type")
                if cat != "*" and not RE_TOKEN.fullmatch(cat):
                    self.err(f, 0, where, "bad category")
                if tier not in ("1", "2", "3", "*"):
                    self.err(f, 0, where, "bad tier")
                if b.get("group") not in groups:
                    self.err(f, 0, where, f"group {b.get('group')!r} not in {code} {year}")
                basis = b.get("deductible-basis")
                if basis not in ("admission", "year"):
                    self.err(f, 0, where, "bad deductible-basis")
                self.money(f, 0, where + " deductible", b.get("deductible", ""))
                if b.get("repeat-deductible") is not None:
                    self.money(f, 0, where + " repeat-deductible", b.get("repeat-deductible"))
                    if basis == "year" and self.strict:
                        self.err(f, 0, where, "repeat-deductible written for a year basis")
                if cat == "*":
                    info["star"] = True
                else:
                    info["categories"].add(cat)
                bands = list(b)
                if not bands:
                    self.err(f, 0, where, "no band")
                last = 0
                for i, band in enumerate(bands):
                    if band.tag != q("band"):
                        self.err(f, 0, where, f"unknown element {band.tag}")
                        continue
                    self._attrs(f, band, {"upto", "percent"}, {"percent"})
                    self.percent(f, 0, where + " band percent", band.get("percent", ""))
                    up = band.get("upto")
                    if i == len(bands) - 1:
                        if up is not None:
                            self.err(f, 0, where, "last band has upto")
                    else:
                        if up is None:
                            self.err(f, 0, where, "band without upto before the last")
                            continue
                        v = self.money(f, 0, where + " upto", up)
                        if v is not None:
                            if v <= last:
                                self.err(f, 0, where, "band edges must be > 0 and strictly increase")
                            last = v
                benefits.append((code, year, ct, cat, tier, where))

    # -- items -----------------------------------------------------------
    def check_items(self):
        owner = {}
        kinds = {"drugs.csv": ("drug",), "treatments.csv": ("service", "material"),
                 "facilities.csv": ("service",)}
        for fname in ("drugs.csv", "treatments.csv", "facilities.csv"):
            periods = {}
            keys = set()
            for ln, row in self.read_csv(fname):
                r = dict(zip(ITEM_COLUMNS, row))
                code = r["code"]
                if not any(self.formats[k].search(code) for k in kinds[fname]):
                    self.err(fname, ln, "code", f"{code!r} matches no {'/'.join(kinds[fname])} format")
                other = owner.setdefault(code, fname)
                if other != fname:
                    self.err(fname, ln, "code", f"{code} also in {other}")
                if not r["name"]:
                    self.err(fname, ln, "name", "empty")
                if r["class"] not in ("exam", "drug-material", "labor"):
                    self.err(fname, ln, "class", f"bad class {r['class']!r}")
                if r["coverage"] not in ("A", "B", "X"):
                    self.err(fname, ln, "coverage", f"bad coverage {r['coverage']!r}")
                if r["coverage"] == "B":
                    self.percent(fname, ln, "first_pay", r["first_pay"])
                elif r["first_pay"] != "":
                    self.err(fname, ln, "first_pay", "must be empty unless coverage is B")
                prices = []
                for col in ("price_t1", "price_t2", "price_t3", "cap"):
                    v = self.money(fname, ln, col, r[col], required=False, positive=True)
                    prices.append(v)
                if r["max_daily"] != "":
                    if not RE_QTY.fullmatch(r["max_daily"]) or to_milli(r["max_daily"]) <= 0:
                        self.err(fname, ln, "max_daily", f"not a quantity > 0: {r['max_daily']!r}")
                if r["min_tier"] not in ("", "1", "2", "3"):
                    self.err(fname, ln, "min_tier", f"bad tier {r['min_tier']!r}")
                if r["diagnosis"] != "":
                    self.pattern(fname, ln, "diagnosis", r["diagnosis"])
                if r["sex"] not in ("", "M", "F"):
                    self.err(fname, ln, "sex", f"bad sex {r['sex']!r}")
                ages = []
                for col in ("min_age", "max_age"):
                    v = r[col]
                    if v == "":
                        ages.append(None)
                    elif not RE_AGE.fullmatch(v) or int(v) > 150:
                        self.err(fname, ln, col, f"not an age 0..150: {v!r}")
                        ages.append(None)
                    else:
                        ages.append(int(v))
                if ages[0] is not None and ages[1] is not None and ages[0] > ages[1]:
                    self.err(fname, ln, "min_age", "min_age > max_age")
                vf = self.need_date(fname, ln, "valid_from", r["valid_from"])
                vt = self.need_date(fname, ln, "valid_to", r["valid_to"], required=False)
                if vf and vt and vt < vf:
                    self.err(fname, ln, "valid_to", "before valid_from")
                key = (code, r["valid_from"])
                if key in keys:
                    self.err(fname, ln, "code", f"repeated key {code} {r['valid_from']}")
                keys.add(key)
                if vf:
                    periods.setdefault(code, []).append((vf, vt, ln))
                if self.strict and prices[3] is not None and r["coverage"] != "X":
                    # Drug caps sit below every tier price (over-cap always
                    # triggers); treatment caps below the tier-3 price at
                    # least. A facility standard may be above a tier's price.
                    if fname == "drugs.csv":
                        low = [p for p in prices[:3] if p is not None]
                    elif fname == "treatments.csv":
                        low = [prices[2]] if prices[2] is not None else []
                    else:
                        low = []
                    if any(p <= prices[3] for p in low):
                        self.err(fname, ln, "cap", "cap not below the tier price(s)")
            self._overlaps(fname, periods, "code")

    def _overlaps(self, fname, periods, col):
        for code, lst in periods.items():
            lst.sort()
            for (f1, t1, l1), (f2, t2, l2) in zip(lst, lst[1:]):
                if t1 is None or t1 >= f2:
                    self.err(fname, l2, col, f"{code}: validity overlaps line {l1}")

    # -- single disease --------------------------------------------------
    def check_single_disease(self):
        fname = "single_disease.csv"
        keys = set()
        periods = {}
        for ln, row in self.read_csv(fname):
            r = dict(zip(HEADERS[fname], row))
            if not r["code"] or (self.strict and not re.fullmatch(r"SD[0-9]{3}", r["code"])):
                self.err(fname, ln, "code", f"bad code {r['code']!r}")
            if not r["name"]:
                self.err(fname, ln, "name", "empty")
            if r["diagnosis"] == "":
                self.err(fname, ln, "diagnosis", "required")
            else:
                self.pattern(fname, ln, "diagnosis", r["diagnosis"])
            if r["procedure"] != "":
                self.pattern(fname, ln, "procedure", r["procedure"])
            if r["tier"] not in ("1", "2", "3"):
                self.err(fname, ln, "tier", f"bad tier {r['tier']!r}")
            self.money(fname, ln, "standard", r["standard"], positive=True)
            if r["max_stay"] != "" and not re.fullmatch(r"[1-9][0-9]{0,3}", r["max_stay"]):
                self.err(fname, ln, "max_stay", f"not a day count > 0: {r['max_stay']!r}")
            vf = self.need_date(fname, ln, "valid_from", r["valid_from"])
            vt = self.need_date(fname, ln, "valid_to", r["valid_to"], required=False)
            if vf and vt and vt < vf:
                self.err(fname, ln, "valid_to", "before valid_from")
            key = (r["code"], r["tier"], r["valid_from"])
            if key in keys:
                self.err(fname, ln, "code", f"repeated key {key}")
            keys.add(key)
            if vf and self.strict:
                periods.setdefault(f"{r['code']} tier {r['tier']}", []).append((vf, vt, ln))
        self._overlaps(fname, periods, "code")

    # -- hospitals and budgets -------------------------------------------
    def check_hospitals(self):
        fname = "hospitals.csv"
        for ln, row in self.read_csv(fname):
            r = dict(zip(HEADERS[fname], row))
            code = r["code"]
            if not self.formats["hospital"].search(code):
                self.err(fname, ln, "code", f"{code!r} does not match the hospital format")
            if code in self.hospitals:
                self.err(fname, ln, "code", f"repeated hospital {code}")
            self.hospitals[code] = r
            if not r["name"]:
                self.err(fname, ln, "name", "empty")
            if r["tier"] not in ("1", "2", "3"):
                self.err(fname, ln, "tier", f"bad tier {r['tier']!r}")
            if r["schemes"] != "*":
                lst = r["schemes"].split(";")
                if len(set(lst)) != len(lst):
                    self.err(fname, ln, "schemes", "repeated scheme")
                for s in lst:
                    if s not in self.schemes:
                        self.err(fname, ln, "schemes", f"unknown scheme {s!r}")
            vf = self.need_date(fname, ln, "designated_from", r["designated_from"])
            vt = self.need_date(fname, ln, "designated_to", r["designated_to"], required=False)
            if vf and vt and vt < vf:
                self.err(fname, ln, "designated_to", "before designated_from")
            if r["settlement"] not in ("ffs", "global-budget"):
                self.err(fname, ln, "settlement", f"bad settlement {r['settlement']!r}")
            if r["single_disease"] not in ("yes", "no"):
                self.err(fname, ln, "single_disease", f"bad value {r['single_disease']!r}")

    def check_budgets(self):
        fname = "budgets.csv"
        keys = set()
        for ln, row in self.read_csv(fname):
            r = dict(zip(HEADERS[fname], row))
            if r["hospital"] not in self.hospitals:
                self.err(fname, ln, "hospital", f"unknown hospital {r['hospital']!r}")
            if not RE_YEAR.fullmatch(r["year"]):
                self.err(fname, ln, "year", f"bad year {r['year']!r}")
            self.money(fname, ln, "budget", r["budget"])
            for col in ("surplus_retain", "overrun_share", "overrun_limit"):
                self.percent(fname, ln, col, r[col])
            key = (r["hospital"], r["year"])
            if key in keys:
                self.err(fname, ln, "hospital", f"repeated key {key}")
            keys.add(key)

    # -- members ---------------------------------------------------------
    def check_members(self):
        fname = "members.csv"
        seen = set()
        day = datetime.date
        ref = day(2004, 1, 1)
        end = day(2006, 12, 31)
        child_min = day(1989, 1, 1)
        dates = self._dates
        date = self.date
        err = self.err
        id_ok = RE_ID.fullmatch
        known = {}
        for code, info in self.schemes.items():
            for c in info["categories"]:
                known[(code, c)] = True
        star = {code for code, info in self.schemes.items() if info["star"]}
        MISS = object()
        dget = dates.get
        dates[""] = None
        bcache = {}

        def dv(ln, col, v):
            x = dget(v, MISS)
            if x is MISS:
                x = date(v)
            if x is None and v != "":
                err(fname, ln, col, f"not a calendar date YYYY-MM-DD: {v!r}")
            return x

        strict = self.strict
        for ln, row in self.read_csv(fname):
            (mid, name, scheme, cat, ef, et, pt, rf, rt, af, at) = row
            if not id_ok(mid):
                err(fname, ln, "id", f"not 17 digits (first not 0) and a check character: {mid!r}")
                continue
            if id_check_char(mid[:17]) != mid[17]:
                err(fname, ln, "id", f"check character of {mid} should be {id_check_char(mid[:17])}")
            b = mid[6:14]
            birth = bcache.get(b, MISS)
            if birth is MISS:
                birth = bcache[b] = date(f"{b[:4]}-{b[4:6]}-{b[6:]}")
            if birth is None:
                err(fname, ln, "id", f"birth date {b} does not exist or is before 1900")
            if mid in seen:
                err(fname, ln, "id", f"repeated member {mid}")
            seen.add(mid)
            if not name:
                err(fname, ln, "name", "empty")
            if (scheme, cat) not in known:
                if scheme not in self.schemes:
                    err(fname, ln, "scheme", f"scheme {scheme!r} not in the policy")
                elif scheme not in star:
                    err(fname, ln, "category", f"category {cat!r} named by no benefit of {scheme}")
                elif strict:
                    # Contract-valid through the scheme's '*' benefit, but the
                    # generator only writes categories a benefit names.
                    err(fname, ln, "category", f"category {cat!r} named by no benefit of {scheme} "
                        "(accepted only through a '*' benefit)")
                if not RE_TOKEN.fullmatch(cat):
                    err(fname, ln, "category", f"bad category {cat!r}")
            e_from = dv(ln, "enrolled_from", ef)
            if ef == "":
                err(fname, ln, "enrolled_from", "required date missing")
            if et:
                e_to = dv(ln, "enrolled_to", et)
                if e_from and e_to and e_to < e_from:
                    err(fname, ln, "enrolled_to", "before enrolled_from")
            paid = dv(ln, "paid_through", pt) if pt else None
            if rf or rt:
                r_from, r_to = dv(ln, "relief_from", rf), dv(ln, "relief_to", rt)
                if rf == "" and rt != "":
                    err(fname, ln, "relief_to", "an end without a start")
                if r_from and r_to and r_to < r_from:
                    err(fname, ln, "relief_to", "before relief_from")
            if af or at:
                a_from, a_to = dv(ln, "assistance_from", af), dv(ln, "assistance_to", at)
                if af == "" and at != "":
                    err(fname, ln, "assistance_to", "an end without a start")
                if a_from and a_to and a_to < a_from:
                    err(fname, ln, "assistance_to", "before assistance_from")
            if not strict or birth is None or e_from is None:
                continue
            # Consistency the generator promises (not contract rules).
            if e_from < birth:
                err(fname, ln, "enrolled_from", "before the member was born")
            if cat == "resident-child":
                if birth < child_min:
                    err(fname, ln, "category", "resident-child would be 18 before 2007")
            else:
                age04 = 2004 - birth.year - ((1, 1) < (birth.month, birth.day))
                if cat == "resident-adult":
                    if age04 < 18:
                        err(fname, ln, "category", "resident-adult under 18 on 2004-01-01")
                elif cat == "in-service":
                    male = mid[16] in "13579"
                    if not (16 <= age04 <= (59 if male else 54)):
                        err(fname, ln, "category", f"in-service aged {age04} on 2004-01-01")
                elif cat == "retired":
                    male = mid[16] in "13579"
                    if age04 < (50 if male else 45):
                        err(fname, ln, "category", f"retired aged {age04} on 2004-01-01")
            if (cat == "retired") != (pt == ""):
                err(fname, ln, "paid_through", "retirees and only retirees owe nothing")
            if paid and paid > end:
                err(fname, ln, "paid_through", "beyond 2006-12-31")

    def run(self):
        self.formats = {k: re.compile(p) for k, p in CODE_FORMATS.items()}
        self.check_policy()
        self.check_items()
        self.check_single_disease()
        self.check_hospitals()
        self.check_budgets()
        self.check_members()
        return self.errors


def check(folder, strict=True):
    """Check a catalog folder; return (errors, counts)."""
    c = Checker(folder, strict)
    enabled = gc.isenabled()
    gc.disable()   # millions of small lists: the cyclic collector only costs time here
    try:
        c.run()
    finally:
        if enabled:
            gc.enable()
    return c.errors, c.counts


def main(argv):
    strict = True
    args = list(argv)
    if args and args[0] == "--contract-only":
        strict = False
        args = args[1:]
    if len(args) != 1 or args[0].startswith("-"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 64
    errors, counts = check(args[0], strict)
    for e in errors[:200]:
        print(e, file=sys.stderr)
    if len(errors) > 200:
        print(f"... and {len(errors) - 200} more", file=sys.stderr)
    if errors:
        print(f"{args[0]}: {len(errors)} problem(s)", file=sys.stderr)
        return 1
    summary = ", ".join(f"{k} {v}" for k, v in counts.items())
    print(f"{args[0]}: ok ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
