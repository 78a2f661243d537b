package io.labrun.server;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/**
 * Where server tests keep history: an SQLite file, or a fresh schema on the test environment's
 * PostgreSQL.
 */
final class TestDatabases {
  private TestDatabases() {}

  static String sqlite(Path dir) {
    return "jdbc:sqlite:" + dir.resolve("labrun.db");
  }

  /**
   * A new schema on the PostgreSQL that scripts/test-env/postgres.sh started; fails, never skips,
   * without one.
   */
  static String newPostgresSchema() throws Exception {
    String server = postgres();
    String schema = "labrun_srv_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(server);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    return server + "&currentSchema=" + schema;
  }

  static void dropSchema(String url) throws Exception {
    String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
    try (Connection c = DriverManager.getConnection(postgres());
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  static String postgres() {
    String url = System.getenv("LABRUN_TEST_PG_URL");
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalStateException(
          "no PostgreSQL for the tests: run them with scripts/test.sh, which starts one"
              + " (or eval \"$(scripts/test-env/postgres.sh)\" first)");
    }
    return url
        + (url.contains("?") ? "&" : "?")
        + "user="
        + System.getenv().getOrDefault("LABRUN_TEST_PG_USER", "labrun")
        + "&password="
        + System.getenv().getOrDefault("LABRUN_TEST_PG_PASSWORD", "");
  }
}
