#!/usr/bin/env python3
"""Regenerate the seed corpora of tests/fuzz/corpus/ from the repository's data.

    python3 tests/fuzz/make_corpus.py

Every target gets at most 40 seeds of at most 20 KB. Sources: the sample
batches (claims/samples), the end-to-end batches (tests/data/e2e), the test
catalogs (tests/data/catalog_*), the real catalog's policy, and handmade
inputs for what those do not show. The folders are emptied first; run it
again after the data changes and commit the result.
"""
import codecs
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")
MAX_SEEDS = 40
MAX_BYTES = 20 * 1024


def read(rel):
    with open(os.path.join(ROOT, rel), "rb") as f:
        return f.read()


class Seeds:
    def __init__(self, target):
        self.dir = os.path.join(CORPUS, target)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.n = 0

    def add(self, name, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        if len(data) > MAX_BYTES:
            return
        if self.n >= MAX_SEEDS:
            print("%s: full, %s left out" % (os.path.basename(self.dir), name))
            return
        self.n += 1
        with open(os.path.join(self.dir, "%02d-%s" % (self.n, name)), "wb") as f:
            f.write(data)


# ---- batch ------------------------------------------------------------------

KNOWN_HOSPITAL = b"H12010300017"  # in tests/data/catalog_e2e


def set_attr(data, attr, value):
    """Replace the first attr="..." of the <batch> start tag."""
    return re.sub(rb'(<batch\b[^>]*?\b' + attr + rb'=")[^"]*(")',
                  lambda m: m.group(1) + value + m.group(2), data, count=1)


def batch_seeds():
    s = Seeds("batch")
    e2e = "tests/data/e2e"
    s.add("empty-batch.xml",
          '<batch xmlns="urn:adjudicator:batch:1" id="E1" hospital="H12010300017" '
          'created="2005-03-02T08:30:00Z"/>\n')
    s.add("handmade-mix.xml", HANDMADE_BATCH)
    basics = read(os.path.join(e2e, "basics", "batches", "01-first.xml"))
    text = set_attr(basics, b"id", b"FUZZ-ENC").decode("utf-8")
    s.add("utf16le-bom.xml", codecs.BOM_UTF16_LE +
          text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le"))
    s.add("gb18030.xml", text.replace('encoding="UTF-8"', 'encoding="GB18030"').encode("gb18030"))
    for sub in ("basics", "money", "refusals"):
        d = os.path.join(ROOT, e2e, sub, "batches")
        for name in sorted(os.listdir(d)):
            data = read(os.path.join(e2e, sub, "batches", name))
            s.add("e2e-%s-%s" % (sub, name), data)
    # money/01 and 02 are recorded by the harness: under a new id they meet
    # their own claims (C07, C08, voids and replacements of recorded claims)
    for name in ("01-pool-cap.xml", "02-voids.xml"):
        data = read(os.path.join(e2e, "money", "batches", name))
        s.add("e2e-money-again-" + name, set_attr(data, b"id", b"FUZZ-" + name[:2].encode()))
    for name in sorted(os.listdir(os.path.join(ROOT, "claims", "samples"))):
        data = read(os.path.join("claims", "samples", name))
        if len(data) > MAX_BYTES:
            continue
        if name[:2] in ("90", "91", "93"):  # the e2e refusals show these
            continue
        if not name.startswith("92-"):  # 92 is about an unknown hospital
            data = set_attr(data, b"hospital", KNOWN_HOSPITAL)
        s.add("sample-" + name, data)
    return s.n


HANDMADE_BATCH = """<?xml version="1.0" encoding="UTF-8"?>
<batch xmlns="urn:adjudicator:batch:1" id="HM-1" hospital="H12010300017" created="2005-07-01T24:00:00-14:00">
  <claim id="SD-1" type="inpatient">
    <member id="12010319650808505X"/>
    <stay admitted="2005-07-01" discharged="2005-07-05"/>
    <diagnosis code="K35.900" primary=" true "/>
    <procedure code="47.0901"/>
    <item seq="1" code="002500000200000" date="2005-07-02" qty="1" price="1500.00" amount="1500.00"/>
    <item seq="2" code="001100000100000" date="2005-07-02" qty="1" price="40.00" amount="40.00"/>
    <item seq="3" code="001100000100000" date="2005-07-02" qty="1" price="40.00" amount="40.00"/>
    <item seq="4" code="002400000100000" date="2005-07-03" qty="2.5" price="800.00" amount="2000.00"/>
    <item seq="5" code="XG03DAH045C003010200222" date="2005-07-03" qty="1" price="9.99" amount="9.99"/>
    <item seq="6" code="XB05AAD123B001020300111" date="2005-07-04" qty="0.001" price="400.00" amount="0.40"/>
    <item seq="7" code="XR05CBX010S001010100666" date="2005-07-04" qty="1" price="8.00" amount="8.00"/>
  </claim>
  <claim id="ZY2005030001R" type="inpatient" replaces="ZY2005030001">
    <member id="12010419521208341x"/>
    <stay admitted="2005-03-01" discharged="2005-03-01"/>
    <diagnosis code="C83.300" primary="1"/>
    <item seq="1" code="XL01XCL020B001010100555" date="2005-03-01" qty="1" price="25000.00" amount="25000.00"/>
  </claim>
  <claim id="MZ-V" type="outpatient" voids="MZ2005050004">
    <member id="12010419521208341X"/>
  </claim>
  <claim id="MZ-URB" type="outpatient">
    <member id="120106198005054049"/>
    <visit date="2005-08-01"/>
    <diagnosis code="I10.x00" primary="true"/>
    <diagnosis code="E11.900" primary="false"/>
    <item seq="1" code="XA11AAK001D001010100333" date="2005-08-01" qty="3" price="30.00" amount="90.00"/>
    <item seq="2" code="XA01ABD075A002010100483" date="2005-08-01" qty="9" price="12.50" amount="112.50"/>
  </claim>
  <claim id="MZ-child" type="special-outpatient">
    <member id="120104200002290166"/>
    <visit date="2006-02-28"/>
    <diagnosis code="N18.500" primary="true"/>
    <item seq="1" code="XR05CBX010S001010100666" date="2006-02-28" qty="1" price="8.00" amount="8.00"/>
  </claim>
  <claim id="&#x4E2D;&#25991;" type="outpatient"><member id="12010419521208341X"/><visit date="2005-09-01"/><diagnosis code="I10.x00" primary="true"/><![CDATA[ ]]><!-- c --><?pi x?><item seq="1" code="C0101000000000000001" date="2005-09-01" qty="1" price="1" amount="1"/></claim>
</batch>
"""

# ---- catalog folders and CSV files ------------------------------------------

CATALOG_FILES = ["drugs.csv", "treatments.csv", "facilities.csv", "single_disease.csv",
                 "hospitals.csv", "budgets.csv", "members.csv"]
# fuzz_csv.c: byte % 7 picks items, single disease, hospitals, budgets,
# members, items, or a one-column list "a"
CSV_SET = {"drugs.csv": 0, "treatments.csv": 5, "facilities.csv": 0, "single_disease.csv": 1,
           "hospitals.csv": 2, "budgets.csv": 3, "members.csv": 4}

HANDMADE_CSV = [
    ("quoted-multiline", 0, '\ufeffcode,name,class,coverage,first_pay,price_t1,price_t2,price_t3,'
     'cap,max_daily,min_tier,diagnosis,sex,min_age,max_age,valid_from,valid_to\r\n'
     '"XA01ABD075A002010100483","阿莫西林\r\n胶囊 ""500mg""",drug-material,A,,10.00,11.00,12.50,'
     ',6,,"^(K70|K74)\\.",,,,2004-01-01,2005-12-31\r\n\r\n'
     'XA01ABD075A002010100483,x,drug-material,B,12.5,,,,1,0.5,2,,F,0,150,2006-01-01,\n'),
    ("reordered-columns", 3, 'overrun_limit,hospital,budget,year,overrun_share,surplus_retain\n'
     '10,H12010300017,70000.5,2005,60,50\n"5",H12010400021,0,2006,100,0.01'),
    ("bad-quoting", 2, 'code,name,tier,schemes,designated_from,designated_to,settlement,'
     'single_disease\nH12010300017,a"b,3,*,2004-01-01,,ffs,no\n"H1"x,n,1,EMP;URB,2004-01-01,'
     '2005-01-01,global-budget,yes\n"open\n'),
    ("tiny", 6, 'a\n1\n\n"2"\r\n"",\n'),
    ("header-problems", 6, 'a,a,b\n1,2,3\n'),
]


def csv_seeds():
    s = Seeds("csv")
    for cat in ("catalog_min", "catalog_e2e", "catalog_bad"):
        for name in CATALOG_FILES:
            data = read(os.path.join("tests", "data", cat, name))
            s.add("%s-%s" % (cat, name), bytes([CSV_SET[name]]) + data)
    for name, sel, text in HANDMADE_CSV:
        s.add(name + ".csv", bytes([sel]) + text.encode("utf-8"))
    return s.n


def catalog_seeds():
    s = Seeds("catalog")
    for cat in ("catalog_min", "catalog_e2e", "catalog_bad"):
        for k, name in enumerate(CATALOG_FILES):
            data = read(os.path.join("tests", "data", cat, name))
            s.add("%s-%s" % (cat, name), bytes([k]) + data)
    for name in ("budgets.csv", "facilities.csv", "hospitals.csv", "single_disease.csv",
                 "treatments.csv"):
        data = read(os.path.join("catalogs", name))
        s.add("catalogs-" + name, bytes([CATALOG_FILES.index(name)]) + data)
    # drugs that overlap, share a code with treatments, and use every column
    s.add("drugs-edges.csv", bytes([0]) + HANDMADE_CSV[0][2].encode("utf-8"))
    s.add("drugs-overlap.csv", bytes([0]) + (
        "code,name,class,coverage,first_pay,price_t1,price_t2,price_t3,cap,max_daily,min_tier,"
        "diagnosis,sex,min_age,max_age,valid_from,valid_to\n"
        "XA01ABD075A002010100483,a,exam,A,,,,,,,,,,,,2004-01-01,2004-12-31\n"
        "XA01ABD075A002010100483,b,exam,A,,,,,,,,,,,,2004-06-01,\n"
        "XA01ABD075A002010100483,c,exam,X,,,,,,,,(a+)+$,M,150,0,2004-06-01,2004-01-01\n"
        "001100000100000,d,labor,B,,1,0,,,,4,[,Q,,,2005-02-30,\n").encode("utf-8"))
    return s.n


# ---- policy -------------------------------------------------------------------

POLICY_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<policy xmlns="urn:adjudicator:policy:1">
  <code-format kind="drug" pattern="^X[A-Z0-9]{22}$"/>
  <code-format kind="service" pattern="^00[0-9]{13}$"/>
  <code-format kind="material" pattern="^C[0-9]{19}$"/>
  <code-format kind="diagnosis" pattern="^[A-Z][0-9]{2}\\.[0-9x][0-9]{2}(x[0-9]{3})?$"/>
  <code-format kind="procedure" pattern="^[0-9]{2}\\.[0-9]{2,4}(x[0-9]{3})?$"/>
  <code-format kind="hospital" pattern="^H[0-9]{11}$"/>
"""

POLICY_CASES = [
    ("year-basis", POLICY_HEAD + """  <scheme code="EMP_2" name="x">
    <year value="2005">
      <benefit claim-type="outpatient" category="*" tier="*" group="g-1" deductible-basis="year" deductible="0.5">
        <band upto="0.01" percent="0"/><band upto="999999999999.99" percent="100.00"/><band percent="99.99"/>
      </benefit>
      <group code="g-1" pool-cap="0" relief-percent="85" relief-cap="150000" assistance-percent="5.5" assistance-cap="1"/>
    </year>
    <year value="9999"><group code="a" pool-cap="1"/></year>
  </scheme>
</policy>
"""),
    ("overlaps-and-errors", POLICY_HEAD + """  <scheme code="EMP" name="">
    <year value="2005">
      <group code="inpatient" pool-cap="60000" relief-percent="85"/>
      <group code="inpatient" pool-cap="1e3"/>
      <benefit claim-type="inpatient" category="retired" tier="2" group="inpatient" deductible-basis="admission" deductible="1300" repeat-deductible="650" extra="1">
        <band upto="10000" percent="85"/><band percent="95"/><band upto="5" percent="101"/>
      </benefit>
      <benefit claim-type="inpatient" category="*" tier="*" group="nope" deductible-basis="monthly" deductible="-1">
        text<band upto="0" percent="85"/>
      </benefit>
      <benefit claim-type="day-care" category="Bad" tier="4"/>
    </year>
    <year value="2005"/><year value="1899"/>
  </scheme>
  <scheme code="EMP" name="again"/>
  <scheme code="emp" name="lower"/>
  <unknown/>
</policy>
"""),
    ("doctype", """<?xml version="1.0"?>
<!DOCTYPE policy [<!ENTITY e "x">]>
<policy xmlns="urn:adjudicator:policy:1"><scheme code="A" name="&e;"/></policy>
"""),
    ("wrong-namespace", '<policy xmlns="urn:adjudicator:policy:2"><!-- c --><?pi?></policy>'),
    ("bad-patterns", POLICY_HEAD.replace('^H[0-9]{11}$', '(a+)+$').replace(
        '^C[0-9]{19}$', '[unclosed') + '  <code-format kind="drug" pattern="x"/>\n'
     '  <code-format kind="hospital-x" pattern="x"/>\n</policy>\n'),
    ("not-well-formed", POLICY_HEAD + '  <scheme code="A" name="a">\n'),
]


def policy_seeds():
    s = Seeds("policy")
    for cat in ("catalog_min", "catalog_e2e", "catalog_bad"):
        s.add(cat + "-policy.xml", read(os.path.join("tests", "data", cat, "policy.xml")))
    for name, text in POLICY_CASES:
        s.add(name + ".xml", text)
    return s.n


# ---- num --------------------------------------------------------------------

NUM_CASES = [
    ("money", "0\n0.00\n12.5\n12.50\n999999999999.99\n1000000000000\n0012\n1.234\n-1\n1e3\n 1\n.5\n5.\n"),
    ("quantity", "1\n2.5\n0.125\n9999999.999\n10000000\n0.0001\n0\n"),
    ("percent", "100\n100.00\n100.01\n05\n99.99\n12.5\n101\n1000\n"),
    ("dates", "2005-02-28\n2004-02-29\n2005-02-29\n1900-02-29\n2000-02-29\n0001-01-01\n9999-12-31\n"
     "0000-01-01\n2005-13-01\n2005-1-01\n1970-01-01\n1969-12-31\n"),
    ("resident-ids", "12010419521208341X\n12010419521208341x\n120104195212083410\n"
     "120104200002290166\n120104190002290166\n01010419521208341X\n12010418991231341X\n"),
    ("datetimes", "2005-03-02T08:30:00\n2005-03-02T08:30:00Z\n2005-03-02T08:30:00.123+08:00\n"
     "2005-03-02T24:00:00\n2005-03-02T24:00:01\n-2005-03-02T08:30:00\n12005-02-28T00:00:00\n"
     "2005-03-02T08:30:00+14:01\n \t2005-03-02T08:30:00Z\n\n"),
    ("booleans-ids", "true\n 1 \nfalse\n0\nTRUE\nZY2005020001\n中文编号\n\xc2\x85\n" + "x" * 65 + "\n"),
    ("utf8", b"\xc0\x80\n\xed\xa0\x80\n\xf4\x90\x80\x80\n\xef\xbf\xbf\n\x7f\n\ttab\n"),
    ("binary", bytes(range(0, 64)) + b"\n" + b"\xff" * 16 + b"\n" + b"\x00" * 7 + b"\x80" * 9),
]


def num_seeds():
    s = Seeds("num")
    for name, text in NUM_CASES:
        s.add(name + ".txt", text)
    return s.n


def main():
    counts = {
        "batch": batch_seeds(),
        "csv": csv_seeds(),
        "catalog": catalog_seeds(),
        "policy": policy_seeds(),
        "num": num_seeds(),
    }
    for target, n in counts.items():
        print("%-8s %d seeds" % (target, n))


if __name__ == "__main__":
    main()
