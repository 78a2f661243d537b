package io.labrun.server;

import org.junit.jupiter.api.AfterEach;

/**
 * The REST API over the real PostgreSQL of the test environment (a team's store); fails without it.
 */
class PostgresServerApiIT extends ServerApiContract {
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
