package io.labrun.server;

import org.junit.jupiter.api.AfterEach;

/**
 * Tokens, roles, redaction and headers over the real PostgreSQL of the test environment; fails
 * without it.
 */
class PostgresSecurityApiIT extends SecurityApiContract {
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
