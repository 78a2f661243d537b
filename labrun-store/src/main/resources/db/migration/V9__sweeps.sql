-- labrun run history, schema version 9: sweeps kept in the history, next to their runs, instead of
-- in the data folder of the machine that started them (DATA/sweeps/ID.json and ID.canceled), so a
-- team server whose disk is lost keeps them with its runs.
--
-- definition: the sweep as it started (space, goal, limits, its points and their first runs), the
-- JSON of io.labrun.core.sweep.Sweep; null for a sweep only known to be canceled.
-- canceled_ms: when someone canceled it (no driver starts or retries another of its runs); null
-- while it is not.
-- Sweeps an older labrun kept in files are imported when first looked up (SweepHistory).

CREATE TABLE sweeps (
  id TEXT PRIMARY KEY,
  definition TEXT,
  canceled_ms BIGINT
);
