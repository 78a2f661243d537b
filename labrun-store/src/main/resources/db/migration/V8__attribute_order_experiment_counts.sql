-- labrun run history, schema version 8: an order by duration read from an index, and the number of
-- runs of each experiment kept instead of counted.
--
-- runs_by_duration: `order by duration` (a filter's, or the runs table's column) walks this index
-- on the expression the queries sort by (FilterSql.column), as `order by created` walks
-- runs_by_created, instead of sorting every match.
-- experiment_runs: per experiment, how many runs the history holds, counted up and down in the
-- transaction of every run recorded or deleted (SqlRunStore), so the list of experiments (the web
-- UI's runs page asks it on every load) reads one row per experiment instead of counting every
-- run; its newest run is one lookup in runs_by_experiment. A run's experiment is set when it is
-- recorded and never changes.

CREATE INDEX runs_by_duration ON runs ((ended_ms - started_ms), id);

CREATE TABLE experiment_runs (
  name TEXT PRIMARY KEY,
  runs BIGINT NOT NULL
);

INSERT INTO experiment_runs (name, runs)
SELECT experiment, COUNT(*) FROM runs WHERE experiment IS NOT NULL GROUP BY experiment;
