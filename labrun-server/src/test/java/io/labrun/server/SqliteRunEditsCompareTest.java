package io.labrun.server;

/** Run edits, log search and compare over an SQLite history. */
class SqliteRunEditsCompareTest extends RunEditsCompareContract {
  @Override
  String newStoreUrl() {
    return TestDatabases.sqlite(tmp.resolve("db"));
  }
}
