#!/usr/bin/env python3
"""adjmodel.py - an independent reference model of the Adjudicator contract.

Written from shared/SPEC.md only (sections 3, 4 and 5), never from the C
engine, so that tests can cross-check the engine amount by amount.

    python3 tests/model/adjmodel.py --catalog DIR [--members FILE ...] \
        --out OUTDIR BATCH1.xml [BATCH2.xml | @members=FILE | @catalog=DIR ...]

Every batch gives OUTDIR/<batch file name> (a remittance, SPEC 4.6) or, when
the batch is refused, OUTDIR/<batch file name>.refused holding the B code.
Batches are adjudicated in the order given, each one seeing every effect of
the claims and batches before it.  `@members=FILE` upserts a member registry
file between two batches; `@catalog=DIR` imports a new catalog version (its
members.csv upserted) between two batches.

Python 3.11 standard library only.  Money is int fen, quantities int
thousandths, percentages int basis points; int64 overflow is emulated.
See README.md for the interpretation of every ambiguous point of the SPEC.
"""

import argparse
import codecs
import csv
import datetime
import os
import re
import sys
import time
import xml.etree.ElementTree as ET
from xml.parsers import expat

# ---------------------------------------------------------------------------
# Numbers (SPEC 3)

I64_MAX = 2 ** 63 - 1
I64_MIN = -(2 ** 63)


class Overflow(Exception):
    pass


def ck(v):
    if v > I64_MAX or v < I64_MIN:
        raise Overflow()
    return v


def add(*xs):
    s = 0
    for x in xs:
        s = ck(s + x)
    return s


def sub(a, b):
    return ck(a - b)


def mul(a, b):
    return ck(a * b)


def cdiv(a, b):
    """C integer division (truncation toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def share(x, bp):
    return cdiv(ck(mul(x, bp) + 5000), 10000)


def price(q, p):
    return cdiv(ck(mul(q, p) + 500), 1000)


MONEY_RE = re.compile(r'(0|[1-9][0-9]{0,11})(?:\.([0-9]{1,2}))?')
QTY_RE = re.compile(r'(0|[1-9][0-9]{0,6})(?:\.([0-9]{1,3}))?')
PCT_RE = re.compile(r'(100|[0-9]{1,2})(?:\.([0-9]{1,2}))?')
DATE_RE = re.compile(r'([0-9]{4})-([0-9]{2})-([0-9]{2})')
INT_RE = re.compile(r'(0|[1-9][0-9]*)')


def parse_money(s):
    if s is None:
        return None
    m = MONEY_RE.fullmatch(s)
    if not m:
        return None
    return int(m.group(1)) * 100 + int((m.group(2) or '').ljust(2, '0'))


def parse_qty(s):
    if s is None:
        return None
    m = QTY_RE.fullmatch(s)
    if not m:
        return None
    v = int(m.group(1)) * 1000 + int((m.group(2) or '').ljust(3, '0'))
    return v if v > 0 else None


def parse_pct(s):
    if s is None:
        return None
    m = PCT_RE.fullmatch(s)
    if not m:
        return None
    v = int(m.group(1)) * 100 + int((m.group(2) or '').ljust(2, '0'))
    return v if v <= 10000 else None


def parse_date(s):
    if s is None:
        return None
    m = DATE_RE.fullmatch(s)
    if not m:
        return None
    try:
        return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def fmt_money(v):
    sign = '-' if v < 0 else ''
    v = abs(v)
    return '%s%d.%02d' % (sign, v // 100, v % 100)


def age_on(birth, day):
    return day.year - birth.year - (1 if (day.month, day.day) < (birth.month, birth.day) else 0)


# ---------------------------------------------------------------------------
# Patterns (SPEC 3): PCRE2 with DOLLAR_ENDONLY, ASCII classes, search.


def pcre_to_python(p):
    """Translate the PCRE2 constructs whose meaning differs in Python re.

    `$` outside a class -> `\\Z` (DOLLAR_ENDONLY: the very end only);
    `\\z` -> `\\Z`; `\\Z` (end or before a final newline) -> `(?=\\n?\\Z)`.
    Everything else is passed through; Python re is close enough for the
    patterns these catalogs use (see README: limitations)."""
    out = []
    i = 0
    n = len(p)
    in_class = False
    class_first = False
    while i < n:
        c = p[i]
        if c == '\\' and i + 1 < n:
            d = p[i + 1]
            if not in_class and d == 'z':
                out.append('\\Z')
            elif not in_class and d == 'Z':
                out.append('(?=\\n?\\Z)')
            else:
                out.append(p[i:i + 2])
            i += 2
            class_first = False
            continue
        if in_class:
            if c == '[' and p.startswith('[:', i):
                j = p.find(':]', i + 2)
                if j >= 0:
                    out.append(p[i:j + 2])
                    i = j + 2
                    class_first = False
                    continue
            if c == ']' and not class_first:
                in_class = False
            elif c == '^' and class_first and out and out[-1] == '[':
                out.append(c)
                i += 1
                continue  # `]` right after `[^` is still literal
            class_first = False
            out.append(c)
            i += 1
            continue
        if c == '[':
            in_class = True
            class_first = True
            out.append(c)
            i += 1
            continue
        if c == '$':
            out.append('\\Z')
            i += 1
            continue
        out.append(c)
        i += 1
    return ''.join(out)


_pattern_cache = {}


def compile_pattern(p):
    if p in _pattern_cache:
        return _pattern_cache[p]
    try:
        rx = re.compile(pcre_to_python(p), re.ASCII)
    except re.error as e:
        sys.stderr.write('adjmodel: warning: pattern %r not understood by Python re (%s); '
                         'it never matches\n' % (p, e))
        rx = None
    _pattern_cache[p] = rx
    return rx


def pmatch(p, s):
    rx = compile_pattern(p)
    return rx is not None and s is not None and rx.search(s) is not None


# ---------------------------------------------------------------------------
# Resident ID (SPEC 3)

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = '10X98765432'
ID_RE = re.compile(r'[1-9][0-9]{16}[0-9Xx]')


def norm_member(s):
    if s is None:
        return None
    return s.replace('x', 'X')


def parse_resident_id(s):
    """-> (birth date, 'M'|'F') or None when invalid."""
    if s is None or not ID_RE.fullmatch(s):
        return None
    s = s.upper()
    birth = parse_date('%s-%s-%s' % (s[6:10], s[10:12], s[12:14]))
    if birth is None or birth.year < 1900:
        return None
    total = sum(int(s[i]) * ID_WEIGHTS[i] for i in range(17))
    if ID_CHECK[total % 11] != s[17]:
        return None
    sex = 'M' if int(s[16]) % 2 == 1 else 'F'
    return birth, sex


# ---------------------------------------------------------------------------
# Catalog (SPEC 4.1-4.4), assumed valid.

POLICY_NS = 'urn:adjudicator:policy:1'
BATCH_NS = 'urn:adjudicator:batch:1'
REMIT_NS = 'urn:adjudicator:remittance:1'


def read_csv(path):
    with open(path, encoding='utf-8-sig', newline='') as f:
        rows = [r for r in csv.reader(f) if r != []]
    if not rows:
        return []
    header = rows[0]
    return [dict(zip(header, r)) for r in rows[1:]]


def opt(s):
    return None if s is None or s == '' else s


class Group:
    def __init__(self, el):
        self.code = el.get('code')
        self.pool_cap = parse_money(el.get('pool-cap'))
        self.relief_pct = parse_pct(el.get('relief-percent')) if el.get('relief-percent') else None
        self.relief_cap = parse_money(el.get('relief-cap')) if el.get('relief-cap') else None
        self.assist_pct = parse_pct(el.get('assistance-percent')) if el.get('assistance-percent') else None
        self.assist_cap = parse_money(el.get('assistance-cap')) if el.get('assistance-cap') else None


class Benefit:
    def __init__(self, el):
        self.claim_type = el.get('claim-type')
        self.category = el.get('category')
        self.tier = el.get('tier')
        self.group = el.get('group')
        self.basis = el.get('deductible-basis')
        self.deductible = parse_money(el.get('deductible'))
        rep = el.get('repeat-deductible')
        self.repeat = parse_money(rep) if rep not in (None, '') else self.deductible
        self.bands = []  # (upto fen or None, bp)
        for b in el.findall('{%s}band' % POLICY_NS):
            upto = b.get('upto')
            self.bands.append((parse_money(upto) if upto not in (None, '') else None,
                               parse_pct(b.get('percent'))))


class ItemRow:
    def __init__(self, kind, r, line):
        self.kind = kind  # 'drug' | 'treatment' | 'facility'
        self.line = line
        self.code = r['code']
        self.cls = r.get('class')
        self.coverage = r['coverage']
        self.first_pay = parse_pct(opt(r.get('first_pay')))
        self.price_t = {t: parse_money(opt(r.get('price_t%d' % t))) for t in (1, 2, 3)}
        self.cap = parse_money(opt(r.get('cap')))
        self.max_daily = parse_qty(opt(r.get('max_daily')))
        self.min_tier = int(r['min_tier']) if opt(r.get('min_tier')) else None
        self.diagnosis = opt(r.get('diagnosis'))
        self.sex = opt(r.get('sex'))
        self.min_age = int(r['min_age']) if opt(r.get('min_age')) else None
        self.max_age = int(r['max_age']) if opt(r.get('max_age')) else None
        self.valid_from = parse_date(r['valid_from'])
        self.valid_to = parse_date(opt(r.get('valid_to')))

    def valid_on(self, d):
        return self.valid_from <= d and (self.valid_to is None or d <= self.valid_to)


class SDRow:
    def __init__(self, r):
        self.code = r['code']
        self.diagnosis = r['diagnosis']
        self.procedure = opt(r.get('procedure'))
        self.tier = int(r['tier'])
        self.standard = parse_money(r['standard'])
        self.max_stay = int(r['max_stay']) if opt(r.get('max_stay')) else None
        self.valid_from = parse_date(r['valid_from'])
        self.valid_to = parse_date(opt(r.get('valid_to')))


class Hospital:
    def __init__(self, r):
        self.code = r['code']
        self.tier = int(r['tier'])
        s = r['schemes']
        self.schemes = None if s == '*' else set(x for x in s.split(';') if x)
        self.designated_from = parse_date(r['designated_from'])
        self.designated_to = parse_date(opt(r.get('designated_to')))
        self.settlement = r['settlement']
        self.single_disease = r['single_disease'] == 'yes'


class Member:
    def __init__(self, r):
        self.id = norm_member(r['id'])
        self.scheme = r['scheme']
        self.category = r['category']
        self.enrolled_from = parse_date(r['enrolled_from'])
        self.enrolled_to = parse_date(opt(r.get('enrolled_to')))
        self.paid_through = parse_date(opt(r.get('paid_through')))
        self.relief_from = parse_date(opt(r.get('relief_from')))
        self.relief_to = parse_date(opt(r.get('relief_to')))
        self.assist_from = parse_date(opt(r.get('assistance_from')))
        self.assist_to = parse_date(opt(r.get('assistance_to')))


def period_covers(frm, to, d):
    return frm is not None and frm <= d and (to is None or d <= to)


class Catalog:
    def __init__(self, folder):
        self.folder = folder
        root = ET.parse(os.path.join(folder, 'policy.xml')).getroot()
        ns = '{%s}' % POLICY_NS
        self.formats = {}
        for cf in root.findall(ns + 'code-format'):
            self.formats[cf.get('kind')] = cf.get('pattern')
        # schemes[code][year] = (groups{code: Group}, [Benefit])
        self.schemes = {}
        for sc in root.findall(ns + 'scheme'):
            years = self.schemes.setdefault(sc.get('code'), {})
            for y in sc.findall(ns + 'year'):
                groups = {g.get('code'): Group(g) for g in y.findall(ns + 'group')}
                benefits = [Benefit(b) for b in y.findall(ns + 'benefit')]
                years[int(y.get('value'))] = (groups, benefits)
        self.items = {}  # code -> [ItemRow]
        for fname, kind in (('drugs.csv', 'drug'), ('treatments.csv', 'treatment'),
                            ('facilities.csv', 'facility')):
            for i, r in enumerate(read_csv(os.path.join(folder, fname))):
                self.items.setdefault(r['code'], []).append(ItemRow(kind, r, i + 2))
        self.sd_rows = [SDRow(r) for r in read_csv(os.path.join(folder, 'single_disease.csv'))]
        self.hospitals = {}
        for r in read_csv(os.path.join(folder, 'hospitals.csv')):
            self.hospitals[r['code']] = Hospital(r)
        self.budgets = {}
        for r in read_csv(os.path.join(folder, 'budgets.csv')):
            self.budgets[(r['hospital'], int(r['year']))] = parse_money(r['budget'])
        p = os.path.join(folder, 'members.csv')
        self.members_file = p if os.path.exists(p) else None

    def item_row(self, code, d):
        for row in self.items.get(code, ()):
            if row.valid_on(d):
                return row
        return None

    def find_benefit(self, scheme, year, claim_type, category, tier):
        """-> (Benefit, Group) or None (C10)."""
        sy = self.schemes.get(scheme, {}).get(year)
        if sy is None:
            return None
        groups, benefits = sy
        found = [b for b in benefits
                 if b.claim_type == claim_type
                 and (b.category == '*' or b.category == category)
                 and (b.tier == '*' or b.tier == str(tier))]
        if not found:
            return None
        if len(found) > 1:
            sys.stderr.write('adjmodel: warning: %d benefits match %s %s %s %s tier %s (catalog invalid); '
                             'using the first\n' % (len(found), scheme, year, claim_type, category, tier))
        b = found[0]
        return b, groups.get(b.group)


# ---------------------------------------------------------------------------
# Batch reading (SPEC 4.5): expat, no DTD, manual decoding.


class Refused(Exception):
    def __init__(self, code, msg):
        Exception.__init__(self, '%s %s' % (code, msg))
        self.code = code
        self.msg = msg


class Elem:
    __slots__ = ('ns', 'name', 'attrs', 'children', 'text')

    def __init__(self, ns, name, attrs):
        self.ns = ns
        self.name = name
        self.attrs = attrs
        self.children = []
        self.text = []


DECL_RE = re.compile(rb'^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["\'])[^"\']*\1'
                     rb'(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["\'])([A-Za-z][A-Za-z0-9._-]*)\2)?')
DECL_STR_RE = re.compile(r'^<\?xml[^>]*\?>')


def decode_batch(data):
    """Decode the batch bytes per its BOM / XML declaration -> str (B01 on error)."""
    enc = None
    body = data
    if data.startswith(codecs.BOM_UTF8):
        enc, body = 'utf-8', data[3:]
    elif data.startswith(codecs.BOM_UTF16_LE):
        enc, body = 'utf-16-le', data[2:]
    elif data.startswith(codecs.BOM_UTF16_BE):
        enc, body = 'utf-16-be', data[2:]
    elif data.startswith(b'<\x00?\x00'):
        enc = 'utf-16-le'
    elif data.startswith(b'\x00<\x00?'):
        enc = 'utf-16-be'
    else:
        m = DECL_RE.match(data)
        declared = m.group(3).decode('ascii') if m and m.group(3) else None
        if declared is None:
            enc = 'utf-8'
        else:
            try:
                info = codecs.lookup(declared)
            except LookupError:
                raise Refused('B01', 'unknown encoding %s' % declared)
            if info.name.startswith('utf-16') or info.name.startswith('utf-32'):
                raise Refused('B01', 'encoding %s declared without a byte-order mark' % declared)
            enc = info.name
    try:
        text = body.decode(enc, errors='strict')
    except UnicodeDecodeError as e:
        r = Refused('B01', 'bytes invalid in %s: %s' % (enc, e))
        r.prefix = body[:e.start].decode(enc, errors='ignore')
        raise r
    except LookupError as e:
        raise Refused('B01', 'unknown encoding %s: %s' % (enc, e))
    return text


XML_WS = ' \t\r\n'


# Size limits (B01).  The SPEC names "a size limit" without values; these are
# the values published for hospital IT staff in claims/README.md.
LIMITS = {'items': 20000, 'diagnosis': 200, 'procedure': 200, 'attribute_bytes': 4096, 'depth': 32}


def parse_batch_xml(data, header_check=None, limits=LIMITS):
    """-> root Elem, or raises Refused.

    Problems are reported in document order, as a streaming reader meets
    them: a DOCTYPE or an encoding / well-formedness error before the end of
    the root's start tag is B01; then header_check(root) (B02-B04) runs on
    the root's start tag; then a child of <batch> other than <claim> or
    non-whitespace text directly in <batch> (B02) and any later
    well-formedness or encoding error (B01), whichever comes first."""
    try:
        text = decode_batch(data)
        bad_tail = None
    except Refused as e:
        if getattr(e, 'prefix', None) is None:
            raise
        text, bad_tail = e.prefix, e
    p = expat.ParserCreate(namespace_separator=' ')
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack = []
    result = []

    def start(name, attrs):
        if ' ' in name:
            ns, local = name.split(' ', 1)
        else:
            ns, local = None, name
        a = {}
        for k, v in attrs.items():
            if ' ' in k:
                continue  # namespaced attributes (xml:lang, ...) are ignored
            a[k] = v
        e = Elem(ns, local, a)
        if limits:
            if len(stack) + 1 > limits['depth']:
                raise Refused('B01', 'elements nested deeper than %d (line %d)'
                              % (limits['depth'], p.CurrentLineNumber))
            for v in attrs.values():
                if len(v.encode('utf-8')) > limits['attribute_bytes']:
                    raise Refused('B01', 'an attribute value longer than %d bytes (line %d)'
                                  % (limits['attribute_bytes'], p.CurrentLineNumber))
            if len(stack) == 2 and ns == BATCH_NS and local in ('item', 'diagnosis', 'procedure'):
                key = 'items' if local == 'item' else local
                n = sum(1 for x in stack[-1].children if x.ns == BATCH_NS and x.name == local) + 1
                if n > limits[key]:
                    raise Refused('B01', 'claim has more than %d %s (line %d)'
                                  % (limits[key], key, p.CurrentLineNumber))
        if stack:
            if len(stack) == 1 and (ns != BATCH_NS or local != 'claim'):
                raise Refused('B02', 'child %s of batch (line %d)' % (local, p.CurrentLineNumber))
            stack[-1].children.append(e)
        else:
            result.append(e)
            if header_check is not None:
                header_check(e)
        stack.append(e)

    def end(name):
        stack.pop()

    def chars(data):
        if not stack:
            return
        if len(stack) == 1 and data.strip(XML_WS):
            raise Refused('B02', 'text in batch (line %d)' % p.CurrentLineNumber)
        stack[-1].text.append(data)

    def doctype(*args):
        raise Refused('B01', 'a DOCTYPE is not allowed (line %d)' % p.CurrentLineNumber)

    def entity(*args):
        raise Refused('B01', 'entity declarations are not allowed')

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = chars
    p.StartDoctypeDeclHandler = doctype
    p.EntityDeclHandler = entity
    try:
        p.Parse(text, bad_tail is None)
    except expat.ExpatError as e:
        raise Refused('B01', 'not well-formed: %s' % e)
    if bad_tail is not None:
        raise Refused('B01', bad_tail.msg)
    if not result:
        raise Refused('B01', 'no root element')
    return result[0]


def is_id(s):
    """1-64 characters, no control characters."""
    if s is None or not (1 <= len(s) <= 64):
        return False
    for ch in s:
        o = ord(ch)
        if o < 0x20 or 0x7F <= o <= 0x9F:
            return False
    return True


DATETIME_RE = re.compile(
    r'(-?(?:[1-9][0-9]{4,}|[0-9]{4}))-([0-9]{2})-([0-9]{2})T'
    r'(?:([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?)'
    r'(Z|[+-][0-9]{2}:[0-9]{2})?')


def is_xs_datetime(s):
    s = (s or '').strip(XML_WS)  # xs:dateTime has whiteSpace collapse
    m = DATETIME_RE.fullmatch(s)
    if not m:
        return False
    year, mon, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    hh, mm, ss = int(m.group(4)), int(m.group(5)), int(m.group(6))
    if year == 0 or not 1 <= mon <= 12:
        return False
    y = abs(year)
    leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
    mdays = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mon - 1]
    if not 1 <= day <= mdays:
        return False
    if hh == 24:
        if mm != 0 or ss != 0 or re.search(r'\.[0-9]*[1-9]', s.split('T', 1)[1] or ''):
            return False
    elif hh > 23 or mm > 59 or ss > 59:
        return False
    tz = m.group(7)
    if tz and tz != 'Z':
        th, tm = int(tz[1:3]), int(tz[4:6])
        if tm > 59 or th > 14 or (th == 14 and tm != 0):
            return False
    return True


XS_BOOL = {'true': True, '1': True, 'false': False, '0': False}
SEQ_RE = re.compile(r'[1-9][0-9]{0,8}')
CLAIM_TYPES = ('inpatient', 'special-outpatient', 'outpatient')
CLAIM_CHILDREN = ('member', 'stay', 'visit', 'diagnosis', 'procedure', 'item')


def has_text(e):
    """Non-whitespace character data anywhere in the element."""
    if ''.join(e.text).strip(XML_WS):
        return True
    return any(has_text(c) for c in e.children)


class ItemIn:
    def __init__(self, e):
        a = e.attrs
        self.seq_raw = a.get('seq')
        self.code = a.get('code')
        self.date = parse_date(a.get('date'))
        self.qty = parse_qty(a.get('qty'))
        self.price = parse_money(a.get('price'))
        self.amount = parse_money(a.get('amount'))
        self.ok = (self.seq_raw is not None and SEQ_RE.fullmatch(self.seq_raw) is not None
                   and self.code is not None and self.date is not None and self.qty is not None
                   and self.price is not None and self.amount is not None)


class ClaimIn:
    """One <claim> as read, with the C01 verdict."""

    def __init__(self, e, formats):
        a = e.attrs
        self.id = a.get('id')
        self.type = a.get('type')
        self.replaces = a.get('replaces')
        self.voids = a.get('voids')
        self.is_void = self.voids is not None
        self.c01 = []
        self.members = []
        self.stays = []
        self.visits = []
        self.diagnoses = []  # (code, primary-raw)
        self.procedures = []
        self.items = []
        for c in e.children:
            if c.ns != BATCH_NS or c.name not in CLAIM_CHILDREN:
                self.c01.append('unknown element %s' % c.name)
                continue
            if c.children:
                self.c01.append('unknown element inside %s' % c.name)
            if c.name == 'member':
                self.members.append(c.attrs.get('id'))
            elif c.name == 'stay':
                self.stays.append((c.attrs.get('admitted'), c.attrs.get('discharged')))
            elif c.name == 'visit':
                self.visits.append(c.attrs.get('date'))
            elif c.name == 'diagnosis':
                prim = c.attrs.get('primary')
                if prim is not None:
                    prim = prim.strip(XML_WS)  # xs:boolean has whiteSpace collapse
                self.diagnoses.append((c.attrs.get('code'), prim))
            elif c.name == 'procedure':
                self.procedures.append(c.attrs.get('code'))
            elif c.name == 'item':
                self.items.append(ItemIn(c))
        if has_text(e):
            self.c01.append('text content in the claim')
        self.member_raw = self.members[0] if self.members else None
        self.member = norm_member(self.member_raw)
        # C01 checks
        if not is_id(self.id):
            self.c01.append('bad claim id')
        if self.type not in CLAIM_TYPES:
            self.c01.append('bad type')
        if len(self.members) != 1 or self.members[0] is None:
            self.c01.append('one member with an id')
        if self.replaces is not None and self.voids is not None:
            self.c01.append('both replaces and voids')
        if self.replaces is not None and not is_id(self.replaces):
            self.c01.append('bad replaces')
        if self.voids is not None and not is_id(self.voids):
            self.c01.append('bad voids')
        self.admitted = self.discharged = self.visit = None
        if self.is_void:
            return  # the rest of a void request is not read
        if self.type == 'inpatient':
            if len(self.stays) != 1 or self.visits:
                self.c01.append('inpatient needs one stay')
            else:
                self.admitted = parse_date(self.stays[0][0])
                self.discharged = parse_date(self.stays[0][1])
                if self.admitted is None or self.discharged is None:
                    self.c01.append('bad stay dates')
                elif self.discharged < self.admitted:
                    self.c01.append('discharge before admission')
        elif self.type in CLAIM_TYPES:
            if len(self.visits) != 1 or self.stays:
                self.c01.append('outpatient needs one visit')
            else:
                self.visit = parse_date(self.visits[0])
                if self.visit is None:
                    self.c01.append('bad visit date')
        self.primary_count = 0
        for code, prim in self.diagnoses:
            if code is None:
                self.c01.append('diagnosis without code')
            if prim is not None:
                if prim not in XS_BOOL:
                    self.c01.append('bad primary')
                elif XS_BOOL[prim]:
                    self.primary_count += 1
        for code in self.procedures:
            if code is None:
                self.c01.append('procedure without code')
        if not self.items:
            self.c01.append('no items')
        seqs = set()
        for it in self.items:
            if not it.ok:
                self.c01.append('bad item')
            elif it.seq_raw in seqs:
                self.c01.append('repeated seq')
            else:
                seqs.add(it.seq_raw)

    @property
    def service_date(self):
        return self.admitted if self.type == 'inpatient' else self.visit

    @property
    def year(self):
        return (self.discharged if self.type == 'inpatient' else self.visit).year

    def primary_code(self):
        for code, prim in self.diagnoses:
            if prim is not None and XS_BOOL.get(prim):
                return code
        return None


# ---------------------------------------------------------------------------
# Adjudication state

AMOUNT_FIELDS = ('billed', 'rejected', 'self-pay', 'over-cap', 'first-pay', 'in-policy',
                 'deductible', 'coinsurance', 'pool', 'over-pool', 'relief', 'assistance',
                 'patient', 'hospital-variance', 'withheld')
ITEM_FIELDS = ('billed', 'rejected', 'self-pay', 'over-cap', 'first-pay', 'in-policy')
ACC_FIELDS = ('claims', 'ded', 'pos', 'pool', 'relief', 'assist')


class Record:
    """A recorded claim (or void request)."""

    def __init__(self, hospital, cid, is_void, status, member, method, amounts):
        self.hospital = hospital
        self.id = cid
        self.is_void = is_void
        self.status = status  # accepted | adjusted | rejected | voided (a void request that succeeded)
        self.member = member
        self.method = method
        self.amounts = amounts
        self.voided = False
        self.stay = None  # (a, d) for inpatient accepted/adjusted
        self.acc_key = None
        self.deltas = None  # dict ACC_FIELDS -> value
        self.pool_key = None  # (hospital, year)
        self.pool = 0
        self.ded_kind = None  # 'first' | 'repeat' for admission basis


class ClaimOut:
    def __init__(self, cid, member, status='accepted', method='fee-for-service'):
        self.id = cid
        self.member = member
        self.status = status
        self.method = method
        self.voids = None
        self.amounts = dict.fromkeys(AMOUNT_FIELDS, 0)
        self.reasons = []  # (code, message, value)
        self.items = []  # ItemOut


class ItemOut:
    def __init__(self, seq, amount):
        self.seq = seq
        self.status = 'accepted'
        self.amounts = dict.fromkeys(ITEM_FIELDS, 0)
        self.amounts['billed'] = amount
        self.reasons = []

    def codes(self):
        return [r[0] for r in self.reasons]


class Model:
    def __init__(self, catalog_dir, verbose=False, duplicates='latest', limits=True):
        self.catalog = None
        # A claim whose id is already held by a live claim but that is
        # rejected by C01-C06 (checked before C07) is recorded too (SPEC 5.1:
        # only C07 rejections are not recorded), so two live records can share
        # an id.  The SPEC does not say which one a later void or replacement
        # names: 'latest' (default) takes the most recent one, 'earliest' the
        # first; 'skip' does not record such a claim at all.
        self.duplicates = duplicates
        self.limits = limits
        self.members = {}
        self.acc = {}  # (member, scheme, year, group) -> dict
        self.pool_tot = {}  # (hospital, year) -> fen
        self.records = {}  # (hospital, id) -> [Record]
        self.stays = {}  # member -> [Record]
        self.batches = set()  # (hospital, batch id)
        self.verbose = verbose
        self.import_catalog(catalog_dir)

    # -- registry ---------------------------------------------------------
    def import_catalog(self, folder):
        self.catalog = Catalog(folder)
        if self.catalog.members_file:
            self.import_members(self.catalog.members_file)

    def import_members(self, path):
        for r in read_csv(path):
            m = Member(r)
            self.members[m.id] = m

    # -- records ----------------------------------------------------------
    def live_record(self, hospital, cid):
        """The recorded, not voided claim with this id at this hospital."""
        recs = self.records.get((hospital, cid), ())
        if self.duplicates == 'latest':
            recs = reversed(recs)
        for rec in recs:
            if not rec.voided:
                return rec
        return None

    def record(self, rec):
        self.records.setdefault((rec.hospital, rec.id), []).append(rec)
        if rec.stay is not None:
            self.stays.setdefault(rec.member, []).append(rec)

    def void(self, rec):
        rec.voided = True
        if rec.deltas:
            acc = self.acc[rec.acc_key]
            for f in ACC_FIELDS:
                acc[f] -= rec.deltas[f]
        if rec.pool_key is not None:
            self.pool_tot[rec.pool_key] -= rec.pool

    # -- batches ----------------------------------------------------------
    def adjudicate_file(self, path):
        with open(path, 'rb') as f:
            data = f.read()
        return self.adjudicate_bytes(data)

    def adjudicate_bytes(self, data):
        """-> (hospital, batch id, [ClaimOut]) or raises Refused."""
        fmt = self.catalog.formats
        header = {}

        def header_check(root):
            if root.ns != BATCH_NS or root.name != 'batch':
                raise Refused('B02', 'root is not {%s}batch' % BATCH_NS)
            bid = root.attrs.get('id')
            hosp = root.attrs.get('hospital')
            created = root.attrs.get('created')
            if not is_id(bid):
                raise Refused('B02', 'bad batch id')
            if hosp is None or not pmatch(fmt.get('hospital', ''), hosp):
                raise Refused('B02', 'bad hospital code')
            if created is None or not is_xs_datetime(created):
                raise Refused('B02', 'bad created')
            if hosp not in self.catalog.hospitals:
                raise Refused('B03', 'unknown hospital %s' % hosp)
            if (hosp, bid) in self.batches:
                raise Refused('B04', 'batch %s already adjudicated for %s' % (bid, hosp))
            header['bid'], header['hosp'] = bid, hosp

        root = parse_batch_xml(data, header_check, LIMITS if self.limits else None)
        bid, hosp = header['bid'], header['hosp']
        out = []
        for c in root.children:
            out.append(self.adjudicate_claim(ClaimIn(c, fmt), hosp))
        self.batches.add((hosp, bid))
        return hosp, bid, out

    # -- one claim --------------------------------------------------------
    def reject(self, c, hosp, code, msg, items=None, record=True):
        """Build a rejected claim's remittance and record it unless told not to."""
        out = ClaimOut(c.id or '', c.member or '', 'rejected')
        out.reasons.append((code, msg, ''))
        if not c.is_void:
            if items is not None:  # C12: items keep the line reasons
                for it in items:
                    it.status = 'rejected'
                    it.amounts = dict.fromkeys(ITEM_FIELDS, 0)
                    it.amounts['billed'] = it.amounts['rejected'] = it.billed_amount
                    out.items.append(it)
            else:
                for it in c.items:
                    io = ItemOut(it.seq_raw or '', it.amount or 0)
                    io.status = 'rejected'
                    io.amounts['rejected'] = it.amount or 0
                    out.items.append(io)
            tot = sum(i.amounts['billed'] for i in out.items)
            out.amounts['billed'] = out.amounts['rejected'] = tot
        if record and self.duplicates == 'skip' and self.live_record(hosp, c.id) is not None:
            record = False
        if record and is_id(c.id):
            rec = Record(hosp, c.id, c.is_void, 'rejected', c.member, out.method, dict(out.amounts))
            self.record(rec)
        return out

    def adjudicate_claim(self, c, hosp):
        if c.is_void:
            return self.adjudicate_void(c, hosp)
        cat = self.catalog
        H = cat.hospitals[hosp]
        # a rejected replacement that reuses its original's id is not recorded
        # (only when that original exists: a recorded claim of this hospital
        # with that id, voided or not; a replacement naming an unknown claim is
        # recorded like any rejected claim)
        original_exists = c.replaces is not None and bool(self.records.get((hosp, c.replaces)))
        rec_if_rejected = not (original_exists and c.replaces == c.id)
        if c.c01:
            return self.reject(c, hosp, 'C01', '; '.join(c.c01), record=rec_if_rejected)
        rid = parse_resident_id(c.member_raw)
        if rid is None:
            return self.reject(c, hosp, 'C02', 'member id invalid', record=rec_if_rejected)
        birth, sex = rid
        m = self.members.get(c.member)
        if m is None:
            return self.reject(c, hosp, 'C03', 'member unknown', record=rec_if_rejected)
        sd = c.service_date
        if not period_covers(m.enrolled_from, m.enrolled_to, sd):
            return self.reject(c, hosp, 'C04', 'not enrolled', record=rec_if_rejected)
        if m.paid_through is not None and sd > m.paid_through:
            return self.reject(c, hosp, 'C05', 'arrears', record=rec_if_rejected)
        if not period_covers(H.designated_from, H.designated_to, sd) or \
                (H.schemes is not None and m.scheme not in H.schemes):
            return self.reject(c, hosp, 'C06', 'not designated', record=rec_if_rejected)
        target = self.live_record(hosp, c.replaces) if c.replaces is not None else None
        if any(not rec.voided and rec is not target for rec in self.records.get((hosp, c.id), ())):
            return self.reject(c, hosp, 'C07', 'claim id used', record=False)
        if c.type == 'inpatient':
            a2 = c.admitted
            d2 = max(c.discharged, a2 + datetime.timedelta(days=1))
            for rec in self.stays.get(c.member, ()):
                if rec.voided or rec is target or rec.status not in ('accepted', 'adjusted'):
                    continue
                a1, d1 = rec.stay
                if a1 < d2 and a2 < d1:
                    return self.reject(c, hosp, 'C08', 'stay overlaps %s' % rec.id, record=rec_if_rejected)
        if c.replaces is not None:
            if target is None or target.is_void or \
                    (target.status != 'rejected' and target.member != c.member):
                return self.reject(c, hosp, 'C09', 'cannot replace', record=rec_if_rejected)
        year = c.year
        bg = cat.find_benefit(m.scheme, year, c.type, m.category, H.tier)
        if bg is None or bg[1] is None:
            return self.reject(c, hosp, 'C10', 'no benefit rule', record=rec_if_rejected)
        benefit, group = bg
        if c.primary_count != 1:
            return self.reject(c, hosp, 'C11', 'primary diagnosis count %d' % c.primary_count,
                               record=rec_if_rejected)
        for code, _ in c.diagnoses:
            if not pmatch(cat.formats.get('diagnosis', ''), code):
                return self.reject(c, hosp, 'C11', 'diagnosis %s' % code, record=rec_if_rejected)
        for code in c.procedures:
            if not pmatch(cat.formats.get('procedure', ''), code):
                return self.reject(c, hosp, 'C11', 'procedure %s' % code, record=rec_if_rejected)
        try:
            lines = self.price_lines(c, H, sex, age_on(birth, sd))
            if all(li.status == 'rejected' for li in lines):
                return self.reject(c, hosp, 'C12', 'every item rejected', items=lines,
                                   record=rec_if_rejected)
            return self.benefit(c, hosp, H, m, benefit, group, lines, target)
        except Overflow:
            return self.reject(c, hosp, 'C13', 'arithmetic overflow', record=rec_if_rejected)

    # -- lines (SPEC 5.2) -------------------------------------------------
    def price_lines(self, c, H, sex, age):
        cat = self.catalog
        fmt = cat.formats
        diag_codes = [d for d, _ in c.diagnoses]
        seen = set()
        daily = {}
        out = []
        for it in c.items:
            li = ItemOut(it.seq_raw, it.amount)
            li.billed_amount = it.amount
            out.append(li)
            amount = it.amount
            # step 1
            if not any(pmatch(fmt[k], it.code) for k in ('drug', 'service', 'material') if k in fmt):
                self.line_reject(li, 'L01', amount)
                continue
            try:
                p = price(it.qty, it.price)
            except Overflow:
                p = None
            if p is None or p != amount:
                self.line_reject(li, 'L02', amount)
                continue
            if c.type == 'inpatient':
                outside = not (c.admitted <= it.date <= c.discharged)
            else:
                outside = it.date != c.visit
            if outside:
                self.line_reject(li, 'L03', amount)
                continue
            key = (it.code, it.date, it.qty, it.price)
            if key in seen:
                self.line_reject(li, 'L04', amount)
                continue
            seen.add(key)
            # step 2
            row = cat.item_row(it.code, it.date)
            if row is None:
                li.reasons.append(('L11', 'not in the catalog', it.code))
                li.amounts['self-pay'] = amount
                li.status = 'adjusted'
                continue
            # step 3
            aq = it.qty
            l06 = l05 = False
            if row.max_daily is not None:
                used = daily.get((it.code, it.date), 0)
                room = max(0, row.max_daily - used)
                if it.qty > room:
                    aq = room
                    l06 = True
            daily[(it.code, it.date)] = daily.get((it.code, it.date), 0) + aq
            ap = it.price
            tp = row.price_t.get(H.tier)
            if tp is not None and it.price > tp:
                ap = tp
                l05 = True
            allowed = price(aq, ap)
            rejected = amount - allowed
            if l05:
                li.reasons.append(('L05', 'price above the tier limit', fmt_money(tp)))
            if l06:
                li.reasons.append(('L06', 'quantity above max_daily', str(row.max_daily)))
            li.amounts['rejected'] = rejected
            if (l05 or l06) and allowed == 0:
                li.status = 'rejected'
                continue
            if l05 or l06:
                li.status = 'adjusted'
            # step 4
            sp = None
            if row.coverage == 'X':
                sp = 'L12'
            elif row.min_tier is not None and H.tier < row.min_tier:
                sp = 'L13'
            elif row.diagnosis is not None and not any(pmatch(row.diagnosis, d) for d in diag_codes):
                sp = 'L14'
            elif row.sex is not None and row.sex != sex:
                sp = 'L15'
            elif (row.min_age is not None and age < row.min_age) or \
                    (row.max_age is not None and age > row.max_age):
                sp = 'L16'
            if sp:
                li.reasons.append((sp, 'self-pay', ''))
                li.amounts['self-pay'] = allowed
                li.status = 'adjusted'
                continue
            # step 5
            over_cap = 0
            if row.cap is not None and ap > row.cap:
                over_cap = allowed - price(aq, row.cap)
                li.reasons.append(('L22' if row.kind == 'facility' else 'L21', 'over cap',
                                   fmt_money(row.cap)))
            # step 6
            fp = 0
            if row.coverage == 'B':
                fp = share(allowed - over_cap, row.first_pay)
                li.reasons.append(('L23', 'first-pay', str(row.first_pay)))
            li.amounts['over-cap'] = over_cap
            li.amounts['first-pay'] = fp
            li.amounts['in-policy'] = allowed - over_cap - fp
        for li in out:
            li.reasons.sort(key=lambda r: r[0])
            a = li.amounts
            assert a['billed'] == a['rejected'] + a['self-pay'] + a['over-cap'] + a['first-pay'] + a['in-policy']
        return out

    @staticmethod
    def line_reject(li, code, amount):
        li.reasons.append((code, 'rejected', ''))
        li.amounts['rejected'] = amount
        li.status = 'rejected'

    # -- single disease, benefit, budget (SPEC 5.3-5.5) -------------------
    def single_disease(self, c, H):
        if c.type != 'inpatient' or not H.single_disease:
            return None
        prim = c.primary_code()
        stay = max(1, (c.discharged - c.admitted).days)
        for row in self.catalog.sd_rows:
            if row.tier != H.tier:
                continue
            if not pmatch(row.diagnosis, prim):
                continue
            if row.procedure is not None and not any(pmatch(row.procedure, p) for p in c.procedures):
                continue
            if row.max_stay is not None and stay > row.max_stay:
                continue
            if not (row.valid_from <= c.discharged and (row.valid_to is None or c.discharged <= row.valid_to)):
                continue
            return row
        return None

    def benefit(self, c, hosp, H, m, benefit, group, lines, target):
        out = ClaimOut(c.id, c.member)
        out.items = lines
        A = out.amounts
        for f in ITEM_FIELDS:
            A[f] = add(*[li.amounts[f] for li in lines])
        adjusted = any(code[0] == 'L' and code[1] in '01' for li in lines for code in li.codes())
        out.status = 'adjusted' if adjusted else 'accepted'
        reasons = []
        sd_row = self.single_disease(c, H)
        sum_ip = A['in-policy']
        if sd_row is not None:
            E = sd_row.standard
            variance = sub(sum_ip, E)
            out.method = 'single-disease:%s' % sd_row.code
        else:
            E = sum_ip
            variance = 0
        year = c.year
        key = (c.member, m.scheme, year, benefit.group)
        acc = dict(self.acc.get(key) or dict.fromkeys(ACC_FIELDS, 0))
        # a replacement is adjudicated with its original already voided
        replacing = target is not None and target.deltas is not None
        if replacing and target.acc_key == key:
            for f in ACC_FIELDS:
                acc[f] = sub(acc[f], target.deltas[f])
        # 1. deductible
        ded_kind = None
        if benefit.basis == 'admission':
            if replacing and target.ded_kind is not None:
                ded_kind = target.ded_kind
            else:
                ded_kind = 'first' if acc['claims'] == 0 else 'repeat'
            D = benefit.deductible if ded_kind == 'first' else benefit.repeat
            d = min(E, D)
        else:
            d = min(E, max(0, sub(benefit.deductible, acc['ded'])))
        X = sub(E, d)
        # 2. bands and pool cap
        cap_left = max(0, sub(group.pool_cap, acc['pool']))
        fund = coins = over = 0
        lo = acc['pos']
        hi = add(acc['pos'], X)
        edge_lo = 0
        for upto, bp in benefit.bands:
            edge_hi = upto  # None: open
            s = max(lo, edge_lo)
            e = hi if edge_hi is None else min(hi, edge_hi)
            if edge_hi is not None:
                edge_lo = edge_hi
            if e <= s:
                continue
            x = e - s
            if cap_left == 0:
                over = add(over, x)
                continue
            f = share(x, bp)
            if f <= cap_left:
                fund = add(fund, f)
                coins = add(coins, x - f)
                cap_left -= f
            else:
                num = mul(cap_left, 10000)
                cc = min(x, -(-num // bp))
                fund = add(fund, cap_left)
                coins = add(coins, cc - cap_left)
                over = add(over, x - cc)
                cap_left = 0
        # 3. relief
        r = 0
        relief_capped = False
        if group.relief_pct is not None and group.relief_cap is not None and \
                period_covers(m.relief_from, m.relief_to, c.service_date):
            want = share(over, group.relief_pct)
            room = max(0, sub(group.relief_cap, acc['relief']))
            r = min(want, room)
            relief_capped = want > r
        # 4. assistance
        a = 0
        if group.assist_pct is not None and group.assist_cap is not None and \
                period_covers(m.assist_from, m.assist_to, c.service_date):
            b = sub(add(d, coins, over), r)
            a = min(share(b, group.assist_pct), max(0, sub(group.assist_cap, acc['assist'])))
        # 5. new accumulator values (overflow-checked before anything is changed)
        deltas = {'claims': 1, 'ded': d, 'pos': X, 'pool': fund, 'relief': r, 'assist': a}
        new_acc = {f: add(acc[f], deltas[f]) for f in ACC_FIELDS}
        patient = sub(sub(add(A['self-pay'], A['over-cap'], A['first-pay'], d, coins, over), r), a)
        A['deductible'] = d
        A['coinsurance'] = coins
        A['pool'] = fund
        A['over-pool'] = over
        A['relief'] = r
        A['assistance'] = a
        A['patient'] = patient
        A['hospital-variance'] = variance
        # 5.5 global budget
        pool_key = (hosp, year)
        total = self.pool_tot.get(pool_key, 0)
        if replacing and target.pool_key == pool_key:
            total = sub(total, target.pool)
        total_after = add(total, fund)
        withheld = 0
        w01 = False
        if H.settlement == 'global-budget':
            budget = self.catalog.budgets.get((hosp, year))
            if budget is None:
                w01 = True
            else:
                withheld = max(0, min(fund, sub(total_after, budget)))
        A['withheld'] = withheld
        # identity
        ident = add(A['rejected'], patient, fund, r, a, variance)
        if ident != A['billed']:
            raise AssertionError('identity broken on claim %s' % c.id)
        # reasons
        if d > 0:
            reasons.append(('A01', 'deductible', fmt_money(acc['ded'])))
        if coins > 0:
            reasons.append(('A02', 'coinsurance', fmt_money(acc['pos'])))
        if over > 0:
            reasons.append(('A03', 'over pool cap', fmt_money(acc['pool'])))
        if r > 0:
            reasons.append(('A04', 'relief', fmt_money(acc['relief'])))
        if relief_capped:
            reasons.append(('A05', 'relief capped', fmt_money(acc['relief'])))
        if a > 0:
            reasons.append(('A06', 'assistance', fmt_money(acc['assist'])))
        if sd_row is not None:
            reasons.append(('A07', 'single disease', sd_row.code))
        if withheld > 0:
            reasons.append(('A08', 'budget withheld', fmt_money(total)))
        if w01:
            reasons.append(('W01', 'no budget row', str(year)))
        out.reasons = reasons
        # commit: void the original, then record this claim
        if target is not None:
            self.void(target)
        base = self.acc.setdefault(key, dict.fromkeys(ACC_FIELDS, 0))
        for f in ACC_FIELDS:
            base[f] += deltas[f]
        self.pool_tot[pool_key] = self.pool_tot.get(pool_key, 0) + fund
        rec = Record(hosp, c.id, False, out.status, c.member, out.method, dict(A))
        if c.type == 'inpatient':
            rec.stay = (c.admitted, max(c.discharged, c.admitted + datetime.timedelta(days=1)))
        rec.acc_key = key
        rec.deltas = deltas
        rec.pool_key = pool_key
        rec.pool = fund
        rec.ded_kind = ded_kind
        self.record(rec)
        if self.verbose:
            sys.stderr.write('%s: E=%d d=%d X=%d fund=%d coins=%d over=%d r=%d a=%d acc_before=%s\n'
                             % (c.id, E, d, X, fund, coins, over, r, a, acc))
        return out

    # -- void requests (SPEC 5.1, 5.6) -------------------------------------
    def adjudicate_void(self, c, hosp):
        if c.c01:
            return self.reject(c, hosp, 'C01', '; '.join(c.c01))
        if parse_resident_id(c.member_raw) is None:
            return self.reject(c, hosp, 'C02', 'member id invalid')
        if self.members.get(c.member) is None:
            return self.reject(c, hosp, 'C03', 'member unknown')
        if any(not rec.voided for rec in self.records.get((hosp, c.id), ())):
            return self.reject(c, hosp, 'C07', 'claim id used', record=False)
        target = self.live_record(hosp, c.voids)
        if target is None or target.is_void or target.member != c.member:
            return self.reject(c, hosp, 'C09', 'cannot void %s' % c.voids)
        self.void(target)
        out = ClaimOut(c.id, c.member, 'voided', target.method)
        out.voids = c.voids
        out.amounts = dict(target.amounts)
        rec = Record(hosp, c.id, True, 'voided', c.member, target.method, dict(out.amounts))
        self.record(rec)
        return out


# ---------------------------------------------------------------------------
# Remittance writing (SPEC 4.6)


def xml_attr(v):
    return (str(v).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
            .replace('"', '&quot;').replace('\t', '&#9;').replace('\n', '&#10;').replace('\r', '&#13;'))


def amounts_attrs(a, fields):
    return ' '.join('%s="%s"' % (f, fmt_money(a[f])) for f in fields)


def write_remittance(hosp, bid, claims, adjudicated):
    o = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    o.append('<remittance xmlns="%s" batch="%s" hospital="%s" adjudicated="%s">\n'
             % (REMIT_NS, xml_attr(bid), xml_attr(hosp), adjudicated))
    counts = dict.fromkeys(('accepted', 'adjusted', 'rejected', 'voided'), 0)
    totals = dict.fromkeys(AMOUNT_FIELDS, 0)
    for c in claims:
        counts[c.status] += 1
        if c.status != 'voided':
            for f in AMOUNT_FIELDS:
                totals[f] += c.amounts[f]
        extra = ' voids="%s"' % xml_attr(c.voids) if c.voids is not None else ''
        o.append('  <claim id="%s" member="%s" status="%s" method="%s"%s>\n'
                 % (xml_attr(c.id), xml_attr(c.member), c.status, xml_attr(c.method), extra))
        o.append('    <amounts %s/>\n' % amounts_attrs(c.amounts, AMOUNT_FIELDS))
        for code, msg, val in sorted(c.reasons, key=lambda r: r[0]):
            o.append('    <reason code="%s" message="%s" value="%s"/>\n' % (code, xml_attr(msg), xml_attr(val)))
        for it in c.items:
            if it.reasons:
                o.append('    <item seq="%s" status="%s" %s>\n'
                         % (xml_attr(it.seq), it.status, amounts_attrs(it.amounts, ITEM_FIELDS)))
                for code, msg, val in sorted(it.reasons, key=lambda r: r[0]):
                    o.append('      <reason code="%s" message="%s" value="%s"/>\n'
                             % (code, xml_attr(msg), xml_attr(val)))
                o.append('    </item>\n')
            else:
                o.append('    <item seq="%s" status="%s" %s/>\n'
                         % (xml_attr(it.seq), it.status, amounts_attrs(it.amounts, ITEM_FIELDS)))
        o.append('  </claim>\n')
    o.append('  <totals>\n')
    o.append('    <counts claims="%d" accepted="%d" adjusted="%d" rejected="%d" voided="%d"/>\n'
             % (len(claims), counts['accepted'], counts['adjusted'], counts['rejected'], counts['voided']))
    o.append('    <amounts %s/>\n' % amounts_attrs(totals, AMOUNT_FIELDS))
    o.append('  </totals>\n')
    o.append('</remittance>\n')
    return ''.join(o)


def adjudicated_time():
    sde = os.environ.get('SOURCE_DATE_EPOCH')
    t = int(sde) if sde not in (None, '') else int(time.time())
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t))


def main(argv=None):
    ap = argparse.ArgumentParser(description='Reference model of the Adjudicator contract.')
    ap.add_argument('--catalog', required=True, help='catalog folder')
    ap.add_argument('--members', action='append', default=[], help='extra member registry file (repeatable)')
    ap.add_argument('--out', required=True, help='output folder')
    ap.add_argument('-v', '--verbose', action='store_true', help='trace the benefit arithmetic on stderr')
    ap.add_argument('--duplicates', choices=('latest', 'earliest', 'skip'), default='latest',
                    help='which recorded claim a void or replacement names when a claim rejected by C01-C06 '
                         'shares its id with a live claim (see README)')
    ap.add_argument('--no-limits', action='store_true',
                    help='do not apply the size limits of claims/README.md (B01)')
    ap.add_argument('batches', nargs='*', help='batch files; @members=FILE and @catalog=DIR between them')
    args = ap.parse_args(argv)
    model = Model(args.catalog, verbose=args.verbose, duplicates=args.duplicates,
                  limits=not args.no_limits)
    for f in args.members:
        model.import_members(f)
    os.makedirs(args.out, exist_ok=True)
    stamp = adjudicated_time()
    status = 0
    for b in args.batches:
        if b.startswith('@members='):
            model.import_members(b[len('@members='):])
            continue
        if b.startswith('@catalog='):
            model.import_catalog(b[len('@catalog='):])
            continue
        name = os.path.basename(b)
        dest = os.path.join(args.out, name)
        refused = os.path.join(args.out, os.path.splitext(name)[0] + '.refused')
        try:
            hosp, bid, claims = model.adjudicate_file(b)
        except Refused as e:
            with open(refused, 'w', encoding='utf-8') as f:
                f.write(e.code + '\n')
            if os.path.exists(dest):
                os.remove(dest)
            print('%s: refused %s: %s' % (name, e.code, e.msg), file=sys.stderr)
            continue
        text = write_remittance(hosp, bid, claims, stamp)
        tmp = dest + '.tmp'
        with open(tmp, 'w', encoding='utf-8', newline='\n') as f:
            f.write(text)
        os.replace(tmp, dest)
        if os.path.exists(refused):
            os.remove(refused)
    return status


if __name__ == '__main__':
    sys.exit(main())
