-- labrun run history, schema version 4: each API token has a role (read, submit or admin).
-- Tokens made before roles existed could do everything: they become admin, so nobody is locked out.

ALTER TABLE api_tokens ADD COLUMN role TEXT NOT NULL DEFAULT 'admin';
