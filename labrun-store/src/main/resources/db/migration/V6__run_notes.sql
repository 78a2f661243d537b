-- labrun run history, schema version 6: a note on a run, written and edited after the run
-- (`labrun history note`, PATCH /api/v1/runs/ID, the web UI's run page), with who wrote it last
-- and when. At most one note per run; removing it deletes the row.

CREATE TABLE run_notes (
  run_id TEXT PRIMARY KEY,
  note TEXT NOT NULL,
  edited_ms BIGINT NOT NULL,
  edited_by TEXT
);
