-- The Adjudicator database schema (see engine/ARCHITECTURE.md).
-- Money is INTEGER fen, percentages INTEGER basis points, quantities INTEGER
-- thousandths, dates TEXT 'YYYY-MM-DD' (NULL: open or none).

CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per imported catalog folder; meta.current_catalog names the one in force.
CREATE TABLE IF NOT EXISTS catalog_version (
  id          INTEGER PRIMARY KEY,
  digest      TEXT NOT NULL,          -- SHA-256 of the canonical content
  source      TEXT NOT NULL,          -- the folder imported
  imported_at TEXT NOT NULL,          -- UTC, ISO 8601
  item_first  INTEGER,                -- the version's items are item.id in
  item_last   INTEGER                 -- [item_first, item_last] (no index needed)
);

CREATE TABLE IF NOT EXISTS code_format (
  version INTEGER NOT NULL REFERENCES catalog_version(id),
  kind    TEXT NOT NULL,              -- drug service material diagnosis procedure hospital
  pattern TEXT NOT NULL,
  PRIMARY KEY (version, kind)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS scheme (
  version INTEGER NOT NULL REFERENCES catalog_version(id),
  ord     INTEGER NOT NULL,
  code    TEXT NOT NULL,
  name    TEXT NOT NULL,
  PRIMARY KEY (version, code)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS benefit_group (
  version    INTEGER NOT NULL REFERENCES catalog_version(id),
  ord        INTEGER NOT NULL,
  scheme     TEXT NOT NULL,
  year       INTEGER NOT NULL,
  code       TEXT NOT NULL,
  pool_cap   INTEGER NOT NULL,
  relief_bp  INTEGER,                 -- NULL: no relief terms
  relief_cap INTEGER,
  assist_bp  INTEGER,                 -- NULL: no assistance terms
  assist_cap INTEGER,
  line       INTEGER NOT NULL,
  PRIMARY KEY (version, scheme, year, code)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS benefit (
  id                INTEGER PRIMARY KEY,
  version           INTEGER NOT NULL REFERENCES catalog_version(id),
  scheme            TEXT NOT NULL,
  year              INTEGER NOT NULL,
  claim_type        TEXT NOT NULL,
  category          TEXT NOT NULL,    -- a token or '*'
  tier              TEXT NOT NULL,    -- '1' '2' '3' or '*'
  grp               TEXT NOT NULL,
  basis             TEXT NOT NULL,    -- admission | year
  deductible        INTEGER NOT NULL,
  repeat_deductible INTEGER NOT NULL,
  line              INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS benefit_version ON benefit(version);

CREATE TABLE IF NOT EXISTS band (
  benefit INTEGER NOT NULL REFERENCES benefit(id),
  ord     INTEGER NOT NULL,
  upto    INTEGER,                    -- NULL: the last, open band
  bp      INTEGER NOT NULL,
  PRIMARY KEY (benefit, ord)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS item (
  id           INTEGER PRIMARY KEY,
  version      INTEGER NOT NULL REFERENCES catalog_version(id),
  file         TEXT NOT NULL,         -- drugs.csv treatments.csv facilities.csv
  line         INTEGER NOT NULL,
  code         TEXT NOT NULL,
  name         TEXT NOT NULL,
  class        TEXT NOT NULL,
  coverage     TEXT NOT NULL,
  first_pay_bp INTEGER,
  price_t1     INTEGER,
  price_t2     INTEGER,
  price_t3     INTEGER,
  cap          INTEGER,
  max_daily    INTEGER,
  min_tier     INTEGER,
  diagnosis    TEXT,
  sex          TEXT,
  min_age      INTEGER,
  max_age      INTEGER,
  valid_from   TEXT NOT NULL,
  valid_to     TEXT
);

CREATE TABLE IF NOT EXISTS single_disease (
  id         INTEGER PRIMARY KEY,
  version    INTEGER NOT NULL REFERENCES catalog_version(id),
  ord        INTEGER NOT NULL,        -- file order: the first match wins
  line       INTEGER NOT NULL,
  code       TEXT NOT NULL,
  name       TEXT NOT NULL,
  diagnosis  TEXT NOT NULL,
  procedure  TEXT,
  tier       INTEGER NOT NULL,
  standard   INTEGER NOT NULL,
  max_stay   INTEGER,
  valid_from TEXT NOT NULL,
  valid_to   TEXT
);
CREATE INDEX IF NOT EXISTS single_disease_version ON single_disease(version, ord);

CREATE TABLE IF NOT EXISTS hospital (
  version         INTEGER NOT NULL REFERENCES catalog_version(id),
  code            TEXT NOT NULL,
  line            INTEGER NOT NULL,
  name            TEXT NOT NULL,
  tier            INTEGER NOT NULL,
  schemes         TEXT NOT NULL,      -- '*' or 'A;B'
  designated_from TEXT NOT NULL,
  designated_to   TEXT,
  settlement      TEXT NOT NULL,      -- ffs | global-budget
  single_disease  INTEGER NOT NULL,   -- 0 | 1
  PRIMARY KEY (version, code)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS budget (
  version           INTEGER NOT NULL REFERENCES catalog_version(id),
  hospital          TEXT NOT NULL,
  year              INTEGER NOT NULL,
  line              INTEGER NOT NULL,
  budget            INTEGER NOT NULL,
  surplus_retain_bp INTEGER NOT NULL,
  overrun_share_bp  INTEGER NOT NULL,
  overrun_limit_bp  INTEGER NOT NULL,
  PRIMARY KEY (version, hospital, year)
) WITHOUT ROWID;

-- The member registry: upserted by id, never deleted.
CREATE TABLE IF NOT EXISTS member (
  id              TEXT PRIMARY KEY,   -- GB 11643, check character upper case
  name            TEXT NOT NULL,
  scheme          TEXT NOT NULL,
  category        TEXT NOT NULL,
  sex             TEXT NOT NULL,      -- from the id
  birth_date      TEXT NOT NULL,      -- from the id
  enrolled_from   TEXT NOT NULL,
  enrolled_to     TEXT,
  paid_through    TEXT,               -- NULL: owes no contributions
  relief_from     TEXT,
  relief_to       TEXT,
  assistance_from TEXT,
  assistance_to   TEXT,
  since           INTEGER NOT NULL DEFAULT 0 -- the registry generation of this version
) WITHOUT ROWID;

-- Earlier versions of member rows: a row was current for registry
-- generations since .. until - 1. With `member` this gives the registry as
-- it was when any batch was adjudicated (batch.registry_generation).
CREATE TABLE IF NOT EXISTS member_history (
  id TEXT NOT NULL, since INTEGER NOT NULL, until INTEGER NOT NULL,
  name TEXT NOT NULL, scheme TEXT NOT NULL, category TEXT NOT NULL, sex TEXT NOT NULL,
  birth_date TEXT NOT NULL, enrolled_from TEXT NOT NULL, enrolled_to TEXT, paid_through TEXT,
  relief_from TEXT, relief_to TEXT, assistance_from TEXT, assistance_to TEXT,
  PRIMARY KEY (id, since)
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS member_keep_history BEFORE UPDATE ON member
BEGIN
  INSERT INTO member_history VALUES (old.id, old.since, new.since, old.name, old.scheme,
    old.category, old.sex, old.birth_date, old.enrolled_from, old.enrolled_to, old.paid_through,
    old.relief_from, old.relief_to, old.assistance_from, old.assistance_to);
END;

-- ---- the ledger ------------------------------------------------------------

-- One row per adjudicated batch; a refused batch leaves no row (SPEC 5).
CREATE TABLE IF NOT EXISTS batch (
  id              INTEGER PRIMARY KEY,
  hospital        TEXT NOT NULL,
  batch_id        TEXT NOT NULL,
  created         TEXT NOT NULL,      -- as the hospital wrote it
  adjudicated_at  TEXT NOT NULL,      -- UTC YYYY-MM-DDTHH:MM:SSZ, as remitted
  catalog_version INTEGER NOT NULL REFERENCES catalog_version(id),
  source          TEXT NOT NULL,      -- the file name adjudicated
  source_path     TEXT,               -- its absolute path then (for replay)
  source_size     INTEGER,
  source_hash     TEXT,               -- a 64-bit fingerprint of its bytes
  registry_generation INTEGER NOT NULL DEFAULT 0, -- the member registry used
  claims          INTEGER NOT NULL DEFAULT 0,
  first_claim     INTEGER,            -- its claim rows are claim.id first_claim ..
  last_claim      INTEGER,            -- last_claim, in batch order (NULL: none)
  UNIQUE (hospital, batch_id)
);

-- One row per recorded claim, void request and replacement, in batch order.
-- Amounts are those remitted; acc_* are the member's accumulators before the
-- claim (after = before + deductible, pos_delta, pool, relief, assistance).
CREATE TABLE IF NOT EXISTS claim (
  id              INTEGER PRIMARY KEY,
  batch           INTEGER NOT NULL REFERENCES batch(id),
  ord             INTEGER NOT NULL,   -- 0-based position in the batch
  hospital        TEXT NOT NULL,
  claim_id        TEXT NOT NULL,
  kind            TEXT NOT NULL,      -- claim | replacement | void
  target          INTEGER REFERENCES claim(id), -- the claim replaced or voided
  target_id       TEXT,               -- replaces= / voids= as written
  member          TEXT NOT NULL,      -- as read, lowercase x written X
  scheme          TEXT,
  category        TEXT,
  claim_type      TEXT,
  admitted        TEXT,
  discharged      TEXT,
  stay_end        TEXT,               -- max(discharged, admitted + 1): C08
  service_date    TEXT,
  year            INTEGER,
  status          TEXT NOT NULL,      -- accepted | adjusted | rejected | voided
  reason          TEXT,               -- the C code of a rejected claim
  reason_value    TEXT,
  method          TEXT NOT NULL,      -- fee-for-service | single-disease:CODE
  single_disease  INTEGER REFERENCES single_disease(id),
  benefit         INTEGER REFERENCES benefit(id),
  grp             TEXT,
  deductible_kind TEXT,               -- first | repeat | year
  counted         INTEGER NOT NULL DEFAULT 0, -- 1: it changed accumulators
  billed INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0,
  self_pay INTEGER NOT NULL DEFAULT 0, over_cap INTEGER NOT NULL DEFAULT 0,
  first_pay INTEGER NOT NULL DEFAULT 0, in_policy INTEGER NOT NULL DEFAULT 0,
  deductible INTEGER NOT NULL DEFAULT 0, coinsurance INTEGER NOT NULL DEFAULT 0,
  pool INTEGER NOT NULL DEFAULT 0, over_pool INTEGER NOT NULL DEFAULT 0,
  relief INTEGER NOT NULL DEFAULT 0, assistance INTEGER NOT NULL DEFAULT 0,
  patient INTEGER NOT NULL DEFAULT 0, hospital_variance INTEGER NOT NULL DEFAULT 0,
  withheld INTEGER NOT NULL DEFAULT 0,
  pos_delta       INTEGER NOT NULL DEFAULT 0, -- X: cost above the deductible
  acc_claims INTEGER, acc_ded INTEGER, acc_pos INTEGER, acc_pool INTEGER,
  acc_relief INTEGER, acc_assist INTEGER,
  hospital_pool_before INTEGER,       -- the hospital's pool total before
  budget          INTEGER,            -- the budget used for withholding
  voided_by       INTEGER REFERENCES claim(id),
  lines           TEXT,               -- JSON: the items, see the view `line`
  reasons         TEXT,               -- JSON: the claim's A/W reasons, see `reason`
  codes           TEXT,               -- JSON: diagnoses and procedures, see `claim_code`
  relief_ok       INTEGER,            -- the member's relief period covered the service date
  assist_ok       INTEGER,            -- the member's assistance period covered it
  recorded        INTEGER NOT NULL DEFAULT 1 -- 0: remitted only (C07, or a rejected
                                      -- replacement reusing its original's id):
                                      -- holds no id, invisible to C07-C09
);
CREATE INDEX IF NOT EXISTS claim_hospital_id ON claim(hospital, claim_id);
-- C08's look-up: a member's stays by their end, so that a new admission
-- reads only the stays that end after it (not every earlier stay, which made
-- a batch's time grow with the square of its size), the other columns C08
-- tests included so that rows are read only for a stay that overlaps.
DROP INDEX IF EXISTS claim_member_stay;
CREATE INDEX IF NOT EXISTS claim_member_stay_end ON claim(member, stay_end, admitted, status, voided_by)
  WHERE claim_type = 'inpatient' AND kind != 'void' AND recorded;
-- A batch's claims are found by their id range (batch.first_claim ..
-- last_claim), not by an index on (batch, ord): one index less to write at
-- every claim (3.7% of a batch's engine thread, schema version 8).
DROP INDEX IF EXISTS claim_batch;

-- A member's accumulators per scheme, year and group (SPEC 5.4).
CREATE TABLE IF NOT EXISTS accumulator (
  member TEXT NOT NULL, scheme TEXT NOT NULL, year INTEGER NOT NULL, grp TEXT NOT NULL,
  claims INTEGER NOT NULL, ded INTEGER NOT NULL, pos INTEGER NOT NULL,
  pool INTEGER NOT NULL, relief INTEGER NOT NULL, assist INTEGER NOT NULL,
  PRIMARY KEY (member, scheme, year, grp)
) WITHOUT ROWID;

-- A hospital's pool total per year: pool of its claims not voided (SPEC 5.5).
CREATE TABLE IF NOT EXISTS hospital_year (
  hospital TEXT NOT NULL, year INTEGER NOT NULL,
  pool INTEGER NOT NULL, withheld INTEGER NOT NULL,
  PRIMARY KEY (hospital, year)
) WITHOUT ROWID;

-- A claim's items, reasons and codes are stored with the claim as JSON
-- arrays (one row per claim instead of one per line: the ledger of a large
-- batch is written several times faster) and read through these views,
-- which have the columns the tables would have.
--   lines:   [[seq, qty, price, item, date, over_cap, first_pay,
--              [[reason, value], ...], code, billed, status, rejected,
--              self_pay, allowed_qty, allowed_price, in_policy], ...]
--            each line cut after its last element that differs from its
--            default: date the claim's service date, over_cap 0,
--            first_pay 0, reasons [], code the code of the line's item,
--            billed price(qty, price), status 'accepted', rejected 0,
--            self_pay 0, allowed_qty qty, allowed_price price, in_policy
--            billed - rejected - self_pay - over_cap - first_pay (most
--            lines need four or five elements); the seq an integer when it
--            is one as C01 reads it, the date an integer, the days from the
--            claim's service date, when it is a date written YYYY-MM-DD,
--            and the code 0 when it is the code of the line's item
--            (schema version 8; ledger.c, w_line)
--   reasons: [[code, value], ...]          codes: [[kind, code, primary], ...]
CREATE VIEW IF NOT EXISTS line AS
  SELECT claim, ord, seq, code, date, qty, price, status, item, allowed_qty, allowed_price,
         billed, rejected, self_pay, over_cap, first_pay,
         coalesce(in_policy, billed - rejected - self_pay - over_cap - first_pay) AS in_policy
  FROM (SELECT c.id AS claim, CAST(j.key AS INTEGER) AS ord,
               CAST(j.value ->> 0 AS TEXT) AS seq,
               CASE json_type(j.value, '$[8]') WHEN 'text' THEN j.value ->> 8 WHEN 'null' THEN NULL
                 ELSE (SELECT i.code FROM item i WHERE i.id = j.value ->> 3) END AS code,
               CASE json_type(j.value, '$[4]')
                 WHEN 'integer' THEN date(c.service_date, (j.value ->> 4) || ' days')
                 WHEN 'text' THEN j.value ->> 4 WHEN 'null' THEN NULL
                 ELSE c.service_date END AS date,
               j.value ->> 1 AS qty, j.value ->> 2 AS price,
               coalesce(j.value ->> 10, 'accepted') AS status, j.value ->> 3 AS item,
               CASE WHEN json_type(j.value, '$[13]') IS NULL THEN j.value ->> 1
                 ELSE j.value ->> 13 END AS allowed_qty,
               CASE WHEN json_type(j.value, '$[14]') IS NULL THEN j.value ->> 2
                 ELSE j.value ->> 14 END AS allowed_price,
               coalesce(j.value ->> 9, ((j.value ->> 1) * (j.value ->> 2) + 500) / 1000) AS billed,
               coalesce(j.value ->> 11, 0) AS rejected, coalesce(j.value ->> 12, 0) AS self_pay,
               coalesce(j.value ->> 5, 0) AS over_cap, coalesce(j.value ->> 6, 0) AS first_pay,
               j.value ->> 15 AS in_policy
        FROM claim c, json_each(c.lines) j WHERE c.lines IS NOT NULL);

-- Reasons of claims (line NULL) and of lines; ord orders them as remitted.
CREATE VIEW IF NOT EXISTS reason AS
  SELECT c.id AS claim, CAST(j.key AS INTEGER) AS ord, NULL AS line,
         j.value ->> 0 AS code, j.value ->> 1 AS value
  FROM claim c, json_each(c.reasons) j WHERE c.reasons IS NOT NULL
  UNION ALL
  SELECT c.id, 1000000 * (CAST(l.key AS INTEGER) + 1) + CAST(r.key AS INTEGER),
         CAST(l.key AS INTEGER), r.value ->> 0, r.value ->> 1
  FROM claim c, json_each(c.lines) l, json_each(l.value, '$[7]') r WHERE c.lines IS NOT NULL;

CREATE VIEW IF NOT EXISTS claim_code AS
  SELECT c.id AS claim, CAST(j.key AS INTEGER) AS ord, j.value ->> 0 AS kind,
         j.value ->> 1 AS code, j.value ->> 2 AS primary_flag
  FROM claim c, json_each(c.codes) j WHERE c.codes IS NOT NULL;

-- Views for auditors.
CREATE VIEW IF NOT EXISTS rejected_lines AS
  SELECT b.hospital, b.batch_id, c.claim_id, c.member, l.seq, l.code, l.date,
         l.billed, l.rejected, r.code AS reason, r.value
  FROM reason r JOIN claim c ON c.id = r.claim JOIN batch b ON b.id = c.batch
  JOIN line l ON l.claim = r.claim AND l.ord = r.line
  WHERE r.code BETWEEN 'L01' AND 'L16';

CREATE VIEW IF NOT EXISTS rejected_claims AS
  SELECT b.hospital, b.batch_id, c.claim_id, c.member, c.kind, c.billed,
         c.reason, c.reason_value
  FROM claim c JOIN batch b ON b.id = c.batch WHERE c.status = 'rejected';

-- Year-end global-budget settlements (SPEC 5.5); settling a year again
-- replaces that year's rows.
CREATE TABLE IF NOT EXISTS settlement (
  year              INTEGER NOT NULL,
  hospital          TEXT NOT NULL,
  total             INTEGER NOT NULL,   -- A: the pool total of the year
  budget            INTEGER NOT NULL,   -- B
  surplus_retain_bp INTEGER NOT NULL,
  overrun_share_bp  INTEGER NOT NULL,
  overrun_limit_bp  INTEGER NOT NULL,
  bonus             INTEGER NOT NULL,   -- A <= B: share(B - A, surplus_retain)
  overrun           INTEGER NOT NULL,   -- A > B: A - B
  shared            INTEGER NOT NULL,   -- the fund's share of the overrun
  absorbed          INTEGER NOT NULL,   -- overrun - shared: the hospital's
  catalog_version   INTEGER NOT NULL REFERENCES catalog_version(id),
  settled_at        TEXT NOT NULL,
  PRIMARY KEY (year, hospital)
) WITHOUT ROWID;

-- Each counted claim with its member's accumulators before and after it.
CREATE VIEW IF NOT EXISTS claim_accumulators AS
  SELECT c.id, c.hospital, c.claim_id, c.member, c.scheme, c.year, c.grp, c.benefit,
         c.deductible_kind,
         c.acc_claims AS claims_before, c.acc_claims + 1 AS claims_after,
         c.acc_ded AS ded_before, c.acc_ded + c.deductible AS ded_after,
         c.acc_pos AS pos_before, c.acc_pos + c.pos_delta AS pos_after,
         c.acc_pool AS pool_before, c.acc_pool + c.pool AS pool_after,
         c.acc_relief AS relief_before, c.acc_relief + c.relief AS relief_after,
         c.acc_assist AS assist_before, c.acc_assist + c.assistance AS assist_after,
         c.hospital_pool_before, c.hospital_pool_before + c.pool AS hospital_pool_after,
         c.voided_by
  FROM claim c WHERE c.counted;
