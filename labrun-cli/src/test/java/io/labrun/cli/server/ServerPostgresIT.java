package io.labrun.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team server on the real PostgreSQL of the test environment: the URL without credentials, the
 * user and password from LABRUN_STORE_USER/LABRUN_STORE_PASSWORD, never printed. Fails without it.
 */
class ServerPostgresIT {
  @TempDir Path tmp;

  @Test
  void tokensAndServerShareOnePostgresHistoryAndTheirOutputHoldsNoPassword() throws Exception {
    String url = System.getenv("LABRUN_TEST_PG_URL");
    String user = System.getenv("LABRUN_TEST_PG_USER");
    String password = System.getenv("LABRUN_TEST_PG_PASSWORD");
    if (url == null || password == null) {
      throw new IllegalStateException(
          "no PostgreSQL for the tests: run them with scripts/test.sh (or eval"
              + " \"$(scripts/test-env/postgres.sh)\")");
    }
    String db = "labrun_srv_" + Long.toHexString(System.nanoTime());
    String admin = url + "?user=" + user + "&password=" + password;
    try (Connection c = DriverManager.getConnection(admin);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db);
    }
    String storeUrl = url.substring(0, url.lastIndexOf('/') + 1) + db;
    try {
      Cli cli = new Cli(tmp).env("LABRUN_STORE_USER", user).env("LABRUN_STORE_PASSWORD", password);
      Cli.Result created =
          cli.in(tmp, "server", "token", "create", "--name", "team", "--store", storeUrl);
      assertThat(created.code()).as(created.toString()).isZero();
      String token = created.out().strip();
      try (RunningServer server = new RunningServer(cli, tmp, "--store", storeUrl)) {
        assertThat(server.output()).contains(db).doesNotContain(password);
        HttpClient http = HttpClient.newHttpClient();
        assertThat(ServerCommandTest.get(http, server.url() + "/api/v1/runs", token).statusCode())
            .isEqualTo(200);
        assertThat(ServerCommandTest.get(http, server.url() + "/api/v1/runs", "lrt_x").statusCode())
            .isEqualTo(401);
      }
      Cli.Result wrong =
          new Cli(tmp)
              .env("LABRUN_STORE_USER", user)
              .env("LABRUN_STORE_PASSWORD", "wrong-" + password)
              .in(tmp, "server", "token", "list", "--store", storeUrl);
      assertThat(wrong.code()).isEqualTo(6);
      assertThat(wrong.err().lines()).hasSize(1);
      assertThat(wrong.err()).doesNotContain(password);
    } finally {
      try (Connection c = DriverManager.getConnection(admin);
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      }
    }
  }
}
