package io.labrun.server;

/** The REST API over an SQLite history (the default store). */
class SqliteServerApiTest extends ServerApiContract {
  @Override
  String newStoreUrl() {
    return TestDatabases.sqlite(tmp.resolve("db"));
  }
}
