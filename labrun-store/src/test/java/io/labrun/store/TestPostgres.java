package io.labrun.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The PostgreSQL server of the test environment, as {@code scripts/test-env/postgres.sh} prints it.
 */
public final class TestPostgres {
  private TestPostgres() {}

  /** A JDBC URL with credentials; fails with what to do when the environment has no server. */
  public static String url() {
    String url = System.getenv("LABRUN_TEST_PG_URL");
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalStateException(
          "no PostgreSQL for the tests: run them with scripts/test.sh, which starts one"
              + " (or eval \"$(scripts/test-env/postgres.sh)\" first)");
    }
    String user = System.getenv().getOrDefault("LABRUN_TEST_PG_USER", "labrun");
    String password = System.getenv().getOrDefault("LABRUN_TEST_PG_PASSWORD", "");
    return url + (url.contains("?") ? "&" : "?") + "user=" + user + "&password=" + password;
  }

  /** Schemas of one test class: each test gets a new one, all dropped when the class is done. */
  static final class Schemas {
    private final String server = url();
    private final List<String> made = new ArrayList<>();

    /** The JDBC URL of a new, empty schema. */
    String newDatabaseUrl() throws SQLException {
      String schema = "labrun_test_" + UUID.randomUUID().toString().replace("-", "");
      try (Connection c = DriverManager.getConnection(server);
          Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
      }
      synchronized (made) {
        made.add(schema);
      }
      return server + "&currentSchema=" + schema;
    }

    void dropAll() throws SQLException {
      try (Connection c = DriverManager.getConnection(server);
          Statement s = c.createStatement()) {
        for (String schema : made) {
          s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
      }
    }
  }
}
