package io.labrun.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;

/**
 * The contract on a real PostgreSQL server, the one {@code scripts/test-env/postgres.sh} starts
 * ({@code LABRUN_TEST_PG_URL}, {@code LABRUN_TEST_PG_USER}, {@code LABRUN_TEST_PG_PASSWORD}). It
 * fails, never skips, when that server is not there. Each test gets a schema of its own, dropped
 * at the end.
 */
class PostgresRunStoreIT extends RunStoreContract {
  private static final String SERVER = TestPostgres.url();
  private static final List<String> SCHEMAS = new ArrayList<>();

  @Override
  protected String newDatabaseUrl() throws Exception {
    String schema = "labrun_test_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    synchronized (SCHEMAS) {
      SCHEMAS.add(schema);
    }
    return SERVER + (SERVER.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  @AfterAll
  static void dropSchemas() throws Exception {
    try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
      for (String schema : SCHEMAS) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }
}
