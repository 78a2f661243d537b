-- labrun run history, schema version 1.
-- One text for SQLite and PostgreSQL: ${id} is filled in by the dialect. Times are epoch
-- milliseconds (UTC); lists and maps are JSON text.

CREATE TABLE runs (
  id                TEXT PRIMARY KEY,
  experiment        TEXT,
  run_configuration TEXT,
  target            TEXT,
  target_type       TEXT,
  script            TEXT,
  arguments         TEXT NOT NULL,
  environment       TEXT NOT NULL,
  user_name         TEXT,
  host              TEXT,
  git_commit        TEXT,
  git_dirty         BOOLEAN,
  snapshot_id       TEXT,
  created_ms        BIGINT NOT NULL,
  started_ms        BIGINT,
  ended_ms          BIGINT,
  status            TEXT NOT NULL,
  exit_code         INTEGER,
  status_detail     TEXT,
  sweep_id          TEXT,
  attempt           INTEGER NOT NULL,
  attributes        TEXT NOT NULL
);

-- history list: newest first, (created_ms, id) is the page key. Each filter index ends with the
-- page key too, so a filtered page is read in order from one index and never sorted.
CREATE INDEX runs_by_created ON runs (created_ms, id);
CREATE INDEX runs_by_experiment ON runs (experiment, created_ms, id);
CREATE INDEX runs_by_status ON runs (status, created_ms, id);
CREATE INDEX runs_by_target ON runs (target, created_ms, id);
CREATE INDEX runs_by_script ON runs (script, created_ms, id);
CREATE INDEX runs_by_run_configuration ON runs (run_configuration, created_ms, id);
CREATE INDEX runs_by_sweep ON runs (sweep_id, created_ms, id);

-- seq keeps the order in which points of one step were logged. No foreign key on run_id: checking
-- it for each of a million points costs a third of the insert time, and the store checks the run
-- once per batch, in the same transaction, instead.
CREATE TABLE metrics (
  seq     ${id},
  run_id  TEXT NOT NULL,
  name    TEXT NOT NULL,
  step    BIGINT NOT NULL,
  time_ms BIGINT,
  value   DOUBLE PRECISION,
  json    TEXT
);
CREATE INDEX metrics_by_run_name_step ON metrics (run_id, name, step, seq);

CREATE TABLE params (
  run_id TEXT NOT NULL REFERENCES runs (id),
  name   TEXT NOT NULL,
  value  TEXT,
  PRIMARY KEY (run_id, name)
);

CREATE TABLE tags (
  run_id TEXT NOT NULL REFERENCES runs (id),
  name   TEXT NOT NULL,
  value  TEXT,
  PRIMARY KEY (run_id, name)
);

CREATE TABLE artifacts (
  run_id TEXT NOT NULL REFERENCES runs (id),
  path   TEXT NOT NULL,
  size   BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  PRIMARY KEY (run_id, path)
);

CREATE TABLE assets (
  name   TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  path   TEXT NOT NULL,
  FOREIGN KEY (run_id, path) REFERENCES artifacts (run_id, path)
);
CREATE INDEX assets_by_run ON assets (run_id);
