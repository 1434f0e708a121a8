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
  imported_at TEXT NOT NULL           -- UTC, ISO 8601
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
CREATE INDEX IF NOT EXISTS item_version_code ON item(version, code, valid_from);

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
  assistance_to   TEXT
) WITHOUT ROWID;
