package io.labrun.server;

/** Live logs over an SQLite history. */
class SqliteLiveLogsTest extends LiveLogsContract {
  @Override
  String newStoreUrl() {
    return TestDatabases.sqlite(tmp.resolve("db"));
  }
}
