package io.labrun.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code labrun server} and its tokens, on the embedded history. */
class ServerCommandTest {
  @TempDir Path tmp;
  Cli cli;

  @BeforeEach
  void init() {
    cli = new Cli(tmp);
  }

  @Test
  void aTokenIsPrintedOnceListedByNameAndRevoked() {
    Cli.Result created = cli.in(tmp, "server", "token", "create", "--name", "alice");
    assertThat(created.code()).isZero();
    String token = created.out().strip();
    assertThat(token).matches("lrt_[A-Za-z0-9_-]{43}");
    assertThat(created.err()).contains("shown only now");
    assertThat(created.err()).contains("role submit");
    assertThat(cli.in(tmp, "server", "token", "create", "--name", "dash", "--role", "read").code())
        .isZero();
    assertThat(cli.in(tmp, "server", "token", "create", "--name", "ops", "--role", "ADMIN").code())
        .isZero();
    Cli.Result badRole = cli.in(tmp, "server", "token", "create", "--name", "x", "--role", "root");
    assertThat(badRole.code()).isEqualTo(2);
    assertThat(badRole.err()).isEqualTo("labrun: role 'root' is not one of read, submit, admin\n");
    Cli.Result list = cli.in(tmp, "server", "token", "list", "-o", "json");
    assertThat(list.out()).contains("\"alice\"").doesNotContain(token, token.substring(4, 20));
    assertThat(list.out().replaceAll("\\s", ""))
        .contains("\"name\":\"alice\",\"role\":\"submit\"")
        .contains("\"name\":\"dash\",\"role\":\"read\"")
        .contains("\"name\":\"ops\",\"role\":\"admin\"");
    Cli.Result again = cli.in(tmp, "server", "token", "create", "--name", "alice");
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err())
        .isEqualTo(
            "labrun: a token named 'alice' exists already; revoke it first or choose another"
                + " name\n");
    assertThat(cli.in(tmp, "server", "token", "create", "--name", "no spaces").code()).isEqualTo(2);
    assertThat(cli.in(tmp, "server", "token", "revoke", "alice").out())
        .isEqualTo("Revoked token 'alice'.\n");
    Cli.Result gone = cli.in(tmp, "server", "token", "revoke", "alice");
    assertThat(gone.code()).isEqualTo(3);
    assertThat(gone.err().lines()).hasSize(1);
  }

  @Test
  void theServerListensOnLoopbackAndAcceptsOnlyLiveTokens() throws Exception {
    String token = cli.in(tmp, "server", "token", "create", "--name", "ci").out().strip();
    try (RunningServer server = new RunningServer(cli, tmp)) {
      assertThat(server.url()).startsWith("http://127.0.0.1:");
      HttpClient http = HttpClient.newHttpClient();
      assertThat(get(http, server.url() + "/health", null).statusCode()).isEqualTo(200);
      assertThat(get(http, server.url() + "/api/v1/runs", null).statusCode()).isEqualTo(401);
      assertThat(get(http, server.url() + "/api/v1/runs", token).statusCode()).isEqualTo(200);
      assertThat(cli.in(tmp, "server", "token", "revoke", "ci").code()).isZero();
      assertThat(get(http, server.url() + "/api/v1/runs", token).statusCode()).isEqualTo(401);
      assertThat(server.output()).doesNotContain(token);
      assertThat(server.stop()).isZero();
    }
  }

  @Test
  void badOptionsAreOneLineErrors() {
    Cli.Result r = cli.in(tmp, "server", "--port", "70000");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("labrun: --port must be between 0 and 65535, got 70000\n");
    Cli.Result store = cli.in(tmp, "server", "token", "list", "--store", "mysql://x");
    assertThat(store.code()).isEqualTo(2);
    assertThat(store.err().lines()).hasSize(1);
  }

  static HttpResponse<String> get(HttpClient http, String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
