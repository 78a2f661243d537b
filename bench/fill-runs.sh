#!/usr/bin/env bash
# Fills the SQLite history DB (its schema made by labrun) with RUNS finished runs in one sqlite3
# transaction, each with 5 params, 10 metrics (their metric_last rows: what filters and the runs
# table read; no points) and 3 tags, as bench/run-filters.sh and bench/ui-timings.sh measure them:
#   bench/fill-runs.sh DB RUNS
set -euo pipefail
db="$1"; runs="$2"
command -v sqlite3 >/dev/null || { echo "bench/fill-runs.sh needs the sqlite3 CLI (apt-get install sqlite3)" >&2; exit 2; }
sqlite3 "$db" <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $runs - 1)
INSERT INTO runs (id, experiment, run_configuration, target, target_type, script, arguments, environment, user_name, host,
                  created_ms, started_ms, ended_ms, status, exit_code, sweep_id, attempt, attributes)
SELECT printf('run_%06d', i), 'exp' || (i % 20), 'local', CASE i % 4 WHEN 0 THEN 'local' WHEN 1 THEN 'docker' WHEN 2 THEN 'gpu-vm' ELSE 'spark' END,
       'local', CASE i % 3 WHEN 0 THEN 'train.py' WHEN 1 THEN 'eval.py' ELSE 'prep.py' END, '[]', '{}',
       CASE i % 3 WHEN 0 THEN 'alice' WHEN 1 THEN 'bob' ELSE 'carol' END, 'host',
       1767225600000 + i * 60000, 1767225600000 + i * 60000 + 1000, 1767225600000 + i * 60000 + 1000 + (i * 7919 % 3600) * 1000,
       CASE WHEN i % 10 = 0 THEN 'FAILED' ELSE 'COMPLETED' END, CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END,
       CASE WHEN i % 10 = 1 THEN 'sweep-' || (i / 2000) END, 1, '{}'
FROM n;
CREATE TEMP TABLE k(k INTEGER);
INSERT INTO k VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);
INSERT INTO params (run_id, name, value, num)
SELECT id, 'reg', v, CAST(v AS REAL) FROM (SELECT id, CASE rowid % 6 WHEN 0 THEN '0.01' WHEN 1 THEN '0.1' WHEN 2 THEN '1' WHEN 3 THEN '10' WHEN 4 THEN '100' ELSE '1000' END v FROM runs);
INSERT INTO params (run_id, name, value, num) SELECT id, 'lr', printf('%.5f', ((rowid * 7919) % 1000 + 1) / 10000.0), ((rowid * 7919) % 1000 + 1) / 10000.0 FROM runs;
INSERT INTO params (run_id, name, value, num) SELECT id, 'batch_size', CAST(16 << (rowid % 5) AS TEXT), 16 << (rowid % 5) FROM runs;
INSERT INTO params (run_id, name, value, num) SELECT id, 'layers', CAST(1 + rowid % 8 AS TEXT), 1 + rowid % 8 FROM runs;
INSERT INTO params (run_id, name, value, num) SELECT id, 'optimizer', CASE rowid % 3 WHEN 0 THEN 'adam' WHEN 1 THEN 'sgd' ELSE 'rmsprop' END, NULL FROM runs;
INSERT INTO tags (run_id, name, value, num) SELECT id, 'team', CASE rowid % 4 WHEN 0 THEN 'vision' WHEN 1 THEN 'nlp' WHEN 2 THEN 'speech' ELSE 'vision-3d' END, NULL FROM runs;
INSERT INTO tags (run_id, name, value, num) SELECT id, 'dataset', 'v' || (rowid % 5), NULL FROM runs;
INSERT INTO tags (run_id, name, value, num) SELECT id, 'owner', user_name, NULL FROM runs;
INSERT INTO metric_last (run_id, name, step, time_ms, value, json, n, lo, hi)
SELECT id, name, 99, ended_ms, v, NULL, 100, v * 0.5, MIN(1.0, v * 1.5)
FROM (SELECT r.id, r.ended_ms, CASE k.k WHEN 0 THEN 'accuracy' WHEN 1 THEN 'loss' WHEN 2 THEN 'f1' WHEN 3 THEN 'precision' WHEN 4 THEN 'recall'
             WHEN 5 THEN 'auc' WHEN 6 THEN 'val_loss' WHEN 7 THEN 'val_accuracy' WHEN 8 THEN 'epoch_time' ELSE 'lr_final' END AS name,
             ((r.rowid * 7919 + k.k * 104729) % 10007) / 10007.0 AS v
      FROM runs r CROSS JOIN k);
-- what SqlRunStore keeps with every run it records (migration V8)
DELETE FROM experiment_runs;
INSERT INTO experiment_runs (name, runs) SELECT experiment, COUNT(*) FROM runs WHERE experiment IS NOT NULL GROUP BY experiment;
COMMIT;
SQL
