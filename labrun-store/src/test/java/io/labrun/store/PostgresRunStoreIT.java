package io.labrun.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The contract on a real PostgreSQL server, given by {@code LABRUN_TEST_POSTGRES_URL} (for example
 * {@code jdbc:postgresql://localhost:5432/labrun_test?user=labrun}); skipped without it. Each test
 * gets a schema of its own, dropped at the end.
 */
@EnabledIfEnvironmentVariable(named = "LABRUN_TEST_POSTGRES_URL", matches = "jdbc:postgresql:.+")
class PostgresRunStoreIT extends RunStoreContract {
  private static final String SERVER = System.getenv("LABRUN_TEST_POSTGRES_URL");
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
