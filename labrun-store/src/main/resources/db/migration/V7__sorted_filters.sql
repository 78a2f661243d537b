-- labrun run history, schema version 7: a filter ordered by a param or tag (`order by params.lr
-- desc`) reads the runs in the order of an index on (name, num, value, run_id), its whole sort
-- key, instead of sorting every run that has the param. The (name, num, run_id) indexes of
-- version 5 are the first columns of these, so they go.

CREATE INDEX params_by_name_num_value ON params (name, num, value, run_id);
CREATE INDEX tags_by_name_num_value ON tags (name, num, value, run_id);
DROP INDEX params_by_name_num;
DROP INDEX tags_by_name_num;
