package io.labrun.server;

/** Tokens, roles, redaction and headers over an SQLite history (the default store). */
class SqliteSecurityApiTest extends SecurityApiContract {
  @Override
  String newStoreUrl() {
    return TestDatabases.sqlite(tmp.resolve("db"));
  }
}
