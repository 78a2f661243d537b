package io.labrun.store;

import org.junit.jupiter.api.AfterAll;

/** The query language on the real PostgreSQL of the test environment; fails without it. */
class PostgresRunFilterIT extends RunFilterContract {
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
