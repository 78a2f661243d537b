package io.labrun.store;

import org.junit.jupiter.api.AfterAll;

/** The server's queries on the real PostgreSQL of the test environment; fails without it. */
class PostgresRunBrowserIT extends RunBrowserContract {
  private static final TestPostgres.Schemas SCHEMAS = new TestPostgres.Schemas();

  @Override
  protected String newDatabaseUrl() throws Exception {
    return SCHEMAS.newDatabaseUrl();
  }

  @AfterAll
  static void dropSchemas() throws Exception {
    SCHEMAS.dropAll();
  }
}
