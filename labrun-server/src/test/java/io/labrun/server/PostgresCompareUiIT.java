package io.labrun.server;

import org.junit.jupiter.api.AfterEach;

/**
 * Compare of 60 runs (the table, only what differs, overlays by step and by time) in Chromium over
 * the real PostgreSQL of the test environment; fails without it.
 */
class PostgresCompareUiIT extends CompareUiIT {
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
