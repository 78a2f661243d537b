package io.labrun.server;

import org.junit.jupiter.api.AfterEach;

/** Run edits, log search and compare over the real PostgreSQL of the test environment. */
class PostgresRunEditsCompareIT extends RunEditsCompareContract {
  private String url;

  @Override
  String newStoreUrl() throws Exception {
    url = TestDatabases.newPostgresSchema();
    return url;
  }

  @AfterEach
  void drop() throws Exception {
    TestDatabases.dropSchema(url);
  }
}
