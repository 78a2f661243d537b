-- labrun run history, schema version 3: what the server's runs table and charts read instead of
-- every metric point.
--
-- metric_last: per metric of a run, its last point (highest step, then the one logged last), the
-- number of points and the range of the scalar ones: the runs table filters and sorts by a
-- metric, and a run's metric summaries are read, without reading the points.
-- metric_rollup: a metric's scalar points summed up per bucket of `size` steps (64 and 4096),
-- bucket = floor(step / size): count, range and the last point. A chart of a million points reads
-- some thousands of these rows. Both are kept up to date by every write of metric points; the
-- statements below fill them from the points already recorded.

CREATE TABLE metric_last (
  run_id  TEXT NOT NULL,
  name    TEXT NOT NULL,
  step    BIGINT NOT NULL,
  time_ms BIGINT,
  value   DOUBLE PRECISION,
  json    TEXT,
  n       BIGINT NOT NULL,
  lo      DOUBLE PRECISION,
  hi      DOUBLE PRECISION,
  PRIMARY KEY (run_id, name)
);
CREATE INDEX metric_last_by_name_value ON metric_last (name, value, run_id);

CREATE TABLE metric_rollup (
  run_id       TEXT NOT NULL,
  name         TEXT NOT NULL,
  size         INTEGER NOT NULL,
  bucket       BIGINT NOT NULL,
  n            BIGINT NOT NULL,
  lo           DOUBLE PRECISION,
  hi           DOUBLE PRECISION,
  last_step    BIGINT NOT NULL,
  last_time_ms BIGINT,
  last_value   DOUBLE PRECISION,
  PRIMARY KEY (run_id, name, size, bucket)
);

INSERT INTO metric_last (run_id, name, step, time_ms, value, json, n, lo, hi)
SELECT m.run_id, m.name, m.step, m.time_ms, m.value, m.json, s.n, s.lo, s.hi
FROM metrics m JOIN (SELECT run_id, name, COUNT(*) AS n, MIN(value) AS lo, MAX(value) AS hi FROM metrics GROUP BY run_id, name) s
  ON s.run_id = m.run_id AND s.name = m.name
WHERE m.seq = (SELECT m2.seq FROM metrics m2 WHERE m2.run_id = m.run_id AND m2.name = m.name
               ORDER BY m2.step DESC, m2.seq DESC LIMIT 1);

-- Steps are never negative (scripts count them up from 0), so integer division is the floor.
INSERT INTO metric_rollup (run_id, name, size, bucket, n, lo, hi, last_step)
SELECT run_id, name, 64, step / 64, COUNT(*), MIN(value), MAX(value), MAX(step)
FROM metrics WHERE value IS NOT NULL GROUP BY run_id, name, step / 64;

INSERT INTO metric_rollup (run_id, name, size, bucket, n, lo, hi, last_step)
SELECT run_id, name, 4096, step / 4096, COUNT(*), MIN(value), MAX(value), MAX(step)
FROM metrics WHERE value IS NOT NULL GROUP BY run_id, name, step / 4096;

UPDATE metric_rollup SET
  last_value = (SELECT m.value FROM metrics m WHERE m.run_id = metric_rollup.run_id AND m.name = metric_rollup.name
                AND m.step = metric_rollup.last_step AND m.value IS NOT NULL ORDER BY m.seq DESC LIMIT 1),
  last_time_ms = (SELECT m.time_ms FROM metrics m WHERE m.run_id = metric_rollup.run_id AND m.name = metric_rollup.name
                  AND m.step = metric_rollup.last_step AND m.value IS NOT NULL ORDER BY m.seq DESC LIMIT 1);
