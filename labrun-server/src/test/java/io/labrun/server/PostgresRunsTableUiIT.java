package io.labrun.server;

import org.junit.jupiter.api.AfterEach;

/**
 * The runs table's column chooser, param sort and grouping in Chromium over the real PostgreSQL of
 * the test environment; fails without it.
 */
class PostgresRunsTableUiIT extends RunsTableUiIT {
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
