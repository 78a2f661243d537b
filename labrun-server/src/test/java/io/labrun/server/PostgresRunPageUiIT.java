package io.labrun.server;

import org.junit.jupiter.api.AfterEach;

/**
 * The run page (artifact previews, tags and note, log search, cancel and refusals) in Chromium over
 * the real PostgreSQL of the test environment; fails without it.
 */
class PostgresRunPageUiIT extends RunPageUiIT {
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
