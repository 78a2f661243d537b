-- labrun run history, schema version 2: the API tokens of a team server (labrun server token ...).
-- Only the SHA-256 of a token is kept (lowercase hex); the token itself is shown once, at creation.

CREATE TABLE api_tokens (
  name       TEXT PRIMARY KEY,
  sha256     TEXT NOT NULL UNIQUE,
  created_ms BIGINT NOT NULL
);
