-- labrun run history, schema version 5: what run filters (history list --filter, the API's and
-- the web UI's filter) need to be answered from indexes.
--
-- params.num and tags.num: the value as a number when the text written is one (the same pattern
-- as ParamNumbers.NUMBER), so `params.reg > 10` compares numbers and `params.reg in (100, 1000)`
-- finds "100" and "1000.0" alike. ${matches} is the dialect's regular-expression operator.

ALTER TABLE params ADD COLUMN num DOUBLE PRECISION;
ALTER TABLE tags ADD COLUMN num DOUBLE PRECISION;
UPDATE params SET num = CAST(value AS DOUBLE PRECISION) WHERE value ${matches} '^[-+]?([0-9]{1,30}[.]?[0-9]{0,30}|[.][0-9]{1,30})([eE][-+]?[0-9]{1,2})?$';
UPDATE tags SET num = CAST(value AS DOUBLE PRECISION) WHERE value ${matches} '^[-+]?([0-9]{1,30}[.]?[0-9]{0,30}|[.][0-9]{1,30})([eE][-+]?[0-9]{1,2})?$';

-- A condition on a param, tag or metric reads the runs it matches from one of these.
CREATE INDEX params_by_name_num ON params (name, num, run_id);
CREATE INDEX params_by_name_value ON params (name, value, run_id);
CREATE INDEX tags_by_name_num ON tags (name, num, run_id);
CREATE INDEX tags_by_name_value ON tags (name, value, run_id);
CREATE INDEX metric_last_by_name_lo ON metric_last (name, lo, run_id);
CREATE INDEX metric_last_by_name_hi ON metric_last (name, hi, run_id);
CREATE INDEX runs_by_user ON runs (user_name, created_ms, id);
