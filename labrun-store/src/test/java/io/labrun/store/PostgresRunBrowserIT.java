package io.labrun.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;

/** The server's queries on the real PostgreSQL of the test environment; fails without it. */
class PostgresRunBrowserIT extends RunBrowserContract {
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
    return SERVER + "&currentSchema=" + schema;
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
