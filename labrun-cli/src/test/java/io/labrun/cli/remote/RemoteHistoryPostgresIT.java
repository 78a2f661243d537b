package io.labrun.cli.remote;

import io.labrun.cli.Cli;
import io.labrun.store.SqlRunStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * {@link RemoteHistoryContract} on a server whose history is the test environment's real PostgreSQL
 * (a schema of its own, dropped after); fails, never skips, without one.
 */
class RemoteHistoryPostgresIT extends RemoteHistoryContract {
  private String schema;

  @Override
  String storeUrl() throws Exception {
    schema = "labrun_cli_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(admin());
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    return url() + "?currentSchema=" + schema;
  }

  @Override
  Cli withStoreCredentials(Cli cli) {
    return cli.env("LABRUN_STORE_USER", user()).env("LABRUN_STORE_PASSWORD", password());
  }

  @Override
  SqlRunStore openStore(String storeUrl) {
    return SqlRunStore.open(storeUrl + "&user=" + user() + "&password=" + password());
  }

  @AfterEach
  void dropSchema() throws Exception {
    if (schema != null) {
      try (Connection c = DriverManager.getConnection(admin());
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  static String url() {
    String url = System.getenv("LABRUN_TEST_PG_URL");
    if (url == null
        || !url.startsWith("jdbc:postgresql:")
        || System.getenv("LABRUN_TEST_PG_PASSWORD") == null) {
      throw new IllegalStateException(
          "no PostgreSQL for the tests: run them with scripts/test.sh (or eval"
              + " \"$(scripts/test-env/postgres.sh)\")");
    }
    return url;
  }

  static String user() {
    return System.getenv().getOrDefault("LABRUN_TEST_PG_USER", "labrun");
  }

  static String password() {
    return System.getenv("LABRUN_TEST_PG_PASSWORD");
  }

  static String admin() {
    return url() + "?user=" + user() + "&password=" + password();
  }
}
