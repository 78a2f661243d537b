package io.labrun.store;

import org.junit.jupiter.api.AfterAll;

/**
 * The contract on a real PostgreSQL server, the one {@code scripts/test-env/postgres.sh} starts
 * ({@code LABRUN_TEST_PG_URL}, {@code LABRUN_TEST_PG_USER}, {@code LABRUN_TEST_PG_PASSWORD}). It
 * fails, never skips, when that server is not there. Each test gets a schema of its own, dropped at
 * the end.
 */
class PostgresRunStoreIT extends RunStoreContract {
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
