#!/usr/bin/env python3
"""compare.py - compare two Adjudicator remittances structurally (SPEC 4.6).

    python3 tests/model/compare.py [options] EXPECTED.xml ACTUAL.xml
    python3 tests/model/compare.py [options] --dir EXPECTED_DIR ACTUAL_DIR

Compared: the root (name, namespace, batch, hospital, adjudicated), every
claim in order (id, member, status, method, voids, all fifteen amounts, the
list of reason codes), every item in order (seq, status, the six amounts, the
list of reason codes), and the totals (counts and amounts).  Reason messages
and values are ignored.  Unexpected or missing attributes and elements are
reported too.  With --dir, every *.xml and *.refused file of either folder is
compared (.refused files by the B code they name, B01-B04).

Options:
  --unordered-reasons   compare reason codes as sorted lists (default: in order)
  --ignore-adjudicated  do not compare the `adjudicated` attribute
  --max N               stop printing after N differences (default: all)

Exit status: 0 identical, 1 different, 2 usage or unreadable input.
"""

import os
import re
import signal
import sys
import xml.etree.ElementTree as ET

NS = 'urn:adjudicator:remittance:1'
Q = '{%s}' % NS
AMOUNTS = ('billed', 'rejected', 'self-pay', 'over-cap', 'first-pay', 'in-policy',
           'deductible', 'coinsurance', 'pool', 'over-pool', 'relief', 'assistance',
           'patient', 'hospital-variance', 'withheld')
ITEM_AMOUNTS = AMOUNTS[:6]
BCODE = re.compile(r'B0[1-4]')
COUNTS = ('claims', 'accepted', 'adjusted', 'rejected', 'voided')


class Diff:
    def __init__(self, opts, label=''):
        self.opts = opts
        self.label = label
        self.n = 0

    def add(self, where, field, exp, act):
        self.n += 1
        if self.opts['max'] is None or self.n <= self.opts['max']:
            prefix = self.label + ': ' if self.label else ''
            print('%s%s: %s: expected %s, actual %s' % (prefix, where, field, fmt(exp), fmt(act)))


def fmt(v):
    if v is None:
        return '(absent)'
    if isinstance(v, (list, tuple)):
        return '[' + ' '.join(v) + ']'
    return repr(v)


def local(tag):
    return tag.split('}', 1)[1] if tag.startswith('{') else tag


def check_attrs(d, where, el_e, el_a, names):
    for k in names:
        if el_e.get(k) != el_a.get(k):
            d.add(where, k, el_e.get(k), el_a.get(k))
    extra = (set(el_e.attrib) | set(el_a.attrib)) - set(names)
    for k in sorted(extra):
        if el_e.get(k) != el_a.get(k):
            d.add(where, 'attribute ' + k, el_e.get(k), el_a.get(k))


def reasons(el, opts):
    codes = [r.get('code') or '' for r in el.findall(Q + 'reason')]
    return sorted(codes) if opts['unordered'] else codes


def children(el, name):
    return [c for c in el if c.tag == Q + name]


def unexpected(d, where, el, allowed):
    for c in el:
        if not isinstance(c.tag, str):
            continue
        if c.tag not in [Q + a for a in allowed]:
            d.add(where, 'unexpected element', None, c.tag)


def compare_amounts(d, where, e, a, fields):
    if e is None or a is None:
        if (e is None) != (a is None):
            d.add(where, 'amounts element', 'present' if e is not None else None,
                  'present' if a is not None else None)
        return
    check_attrs(d, where, e, a, fields)


def compare_trees(exp, act, d):
    opts = d.opts
    for name, root in (('expected', exp), ('actual', act)):
        if root.tag != Q + 'remittance':
            d.add('root', 'tag (%s)' % name, Q + 'remittance', root.tag)
    root_attrs = ['batch', 'hospital'] + ([] if opts['ignore_adjudicated'] else ['adjudicated'])
    for k in root_attrs:
        if exp.get(k) != act.get(k):
            d.add('remittance', k, exp.get(k), act.get(k))
    unexpected(d, 'remittance (expected)', exp, ('claim', 'totals'))
    unexpected(d, 'remittance (actual)', act, ('claim', 'totals'))
    ce, ca = children(exp, 'claim'), children(act, 'claim')
    if len(ce) != len(ca):
        d.add('remittance', 'number of claims', str(len(ce)), str(len(ca)))
    for i in range(max(len(ce), len(ca))):
        e = ce[i] if i < len(ce) else None
        a = ca[i] if i < len(ca) else None
        if e is None or a is None:
            present = e if e is not None else a
            d.add('claim #%d %s' % (i + 1, present.get('id')), 'claim', 'present' if e is not None else None,
                  'present' if a is not None else None)
            continue
        where = 'claim #%d %s' % (i + 1, e.get('id'))
        check_attrs(d, where, e, a, ('id', 'member', 'status', 'method', 'voids'))
        unexpected(d, where + ' (actual)', a, ('amounts', 'reason', 'item'))
        am_e, am_a = children(e, 'amounts'), children(a, 'amounts')
        if len(am_a) != 1:
            d.add(where, 'number of <amounts>', str(len(am_e)), str(len(am_a)))
        compare_amounts(d, where, am_e[0] if am_e else None, am_a[0] if am_a else None, AMOUNTS)
        re_, ra = reasons(e, opts), reasons(a, opts)
        if re_ != ra:
            d.add(where, 'reasons', re_, ra)
        ie, ia = children(e, 'item'), children(a, 'item')
        if len(ie) != len(ia):
            d.add(where, 'number of items', str(len(ie)), str(len(ia)))
        for j in range(max(len(ie), len(ia))):
            x = ie[j] if j < len(ie) else None
            y = ia[j] if j < len(ia) else None
            if x is None or y is None:
                present = x if x is not None else y
                d.add('%s item #%d seq %s' % (where, j + 1, present.get('seq')), 'item',
                      'present' if x is not None else None, 'present' if y is not None else None)
                continue
            iw = '%s item seq %s' % (where, x.get('seq'))
            check_attrs(d, iw, x, y, ('seq', 'status') + ITEM_AMOUNTS)
            unexpected(d, iw + ' (actual)', y, ('reason',))
            rx, ry = reasons(x, opts), reasons(y, opts)
            if rx != ry:
                d.add(iw, 'reasons', rx, ry)
    te, ta = children(exp, 'totals'), children(act, 'totals')
    if len(ta) != 1 or len(te) != 1:
        d.add('totals', 'number of <totals>', str(len(te)), str(len(ta)))
    if te and ta:
        for name, fields in (('counts', COUNTS), ('amounts', AMOUNTS)):
            x, y = children(te[0], name), children(ta[0], name)
            if not x or not y:
                d.add('totals', name, 'present' if x else None, 'present' if y else None)
                continue
            check_attrs(d, 'totals ' + name, x[0], y[0], fields)


def load(path):
    try:
        return ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        print('compare: cannot read %s: %s' % (path, e), file=sys.stderr)
        return None


def compare_files(pe, pa, opts, label=''):
    d = Diff(opts, label)
    if pe.endswith('.refused') or pa.endswith('.refused'):
        try:
            with open(pe, encoding='utf-8', errors='replace') as f:
                x = f.read().strip()
            with open(pa, encoding='utf-8', errors='replace') as f:
                y = f.read().strip()
        except OSError as e:
            print('compare: %s' % e, file=sys.stderr)
            return 2
        # compare the B code each file names (other text, e.g. an exit status
        # or a message, is ignored); files naming no B code compare verbatim
        bx, by = BCODE.search(x), BCODE.search(y)
        if bx and by:
            x, y = bx.group(0), by.group(0)
        if x != y:
            d.add('refused', 'code', x, y)
        return 1 if d.n else 0
    e, a = load(pe), load(pa)
    if e is None or a is None:
        return 2
    compare_trees(e, a, d)
    return 1 if d.n else 0


def main(argv):
    opts = {'unordered': False, 'ignore_adjudicated': False, 'max': None}
    args = []
    dirmode = False
    it = iter(argv)
    for x in it:
        if x == '--unordered-reasons':
            opts['unordered'] = True
        elif x == '--ignore-adjudicated':
            opts['ignore_adjudicated'] = True
        elif x == '--max':
            opts['max'] = int(next(it))
        elif x == '--dir':
            dirmode = True
        elif x in ('-h', '--help'):
            print(__doc__)
            return 0
        else:
            args.append(x)
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    if not dirmode:
        return compare_files(args[0], args[1], opts)
    da, db = args
    for folder in (da, db):
        if not os.path.isdir(folder):
            print('compare: %s is not a folder' % folder, file=sys.stderr)
            return 2
    names = set()
    for folder in (da, db):
        for n in os.listdir(folder):
            if n.endswith('.xml') or n.endswith('.refused'):
                names.add(n)
    worst = 0
    for n in sorted(names):
        pe, pa = os.path.join(da, n), os.path.join(db, n)
        if not os.path.exists(pe) or not os.path.exists(pa):
            print('%s: file: expected %s, actual %s' % (n, 'present' if os.path.exists(pe) else '(absent)',
                                                        'present' if os.path.exists(pa) else '(absent)'))
            worst = max(worst, 1)
            continue
        worst = max(worst, compare_files(pe, pa, opts, label=n))
    return worst


if __name__ == '__main__':
    if hasattr(signal, 'SIGPIPE'):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv[1:]))
