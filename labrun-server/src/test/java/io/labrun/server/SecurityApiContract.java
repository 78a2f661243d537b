package io.labrun.server;

import static io.labrun.server.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.core.history.ApiTokens.Role;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.snapshot.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * What the server never gives away, against one kind of history database (a subclass says which):
 * every route of the route table refuses a missing, wrong, revoked or too weak token; run views are
 * redacted; a revoked token loses its open streams; every answer carries the browser headers.
 */
abstract class SecurityApiContract {
  static final String RUNCONFIG =
      """
      script: train.py
      target: local
      environmentVariables:
        DB_PASSWORD: hunter2
        DB_URL: postgres://alice:hunter2@db.example/runs
        MODE: fast
      """;
  @TempDir Path tmp;
  TestServer srv;
  Http http;

  abstract String newStoreUrl() throws Exception;

  @BeforeEach
  void start() throws Exception {
    srv = new TestServer(tmp.resolve("home"), newStoreUrl());
    http = srv.http;
  }

  @AfterEach
  void stop() {
    srv.close();
  }

  /**
   * A finished run submitted by token {@code submitter}, with a snapshot holding a run
   * configuration, params, tags and a metric.
   */
  private Run seeded(String id, String submitter) throws Exception {
    Path project = Files.createDirectories(tmp.resolve("p-" + id));
    Files.writeString(project.resolve("train.py"), "print('hi')\n");
    Files.writeString(
        Files.createDirectories(project.resolve("aml_config")).resolve("local.runconfig"),
        RUNCONFIG);
    Snapshot snap = Fixtures.snapshot(srv.objects, tmp.resolve("cache"), project);
    Run r = run(id, 0, "local", "train.py", RunStatus.RUNNING).withSnapshot(snap.id());
    Map<String, String> attributes = new HashMap<>(r.attributes());
    attributes.put(Run.SUBMITTED_BY, submitter);
    r =
        new Run(
            r.id(),
            r.experiment(),
            r.runConfiguration(),
            r.target(),
            r.targetType(),
            r.script(),
            List.of("postgres://alice:hunter2@db.example/runs", "--api-token", "tok-123"),
            r.environment(),
            r.user(),
            r.host(),
            r.gitCommit(),
            r.gitDirty(),
            r.snapshotId(),
            r.created(),
            r.started(),
            r.ended(),
            r.status(),
            r.exitCode(),
            r.statusDetail(),
            r.sweepId(),
            r.attempt(),
            attributes);
    srv.store.create(r);
    Path outputs = Files.createDirectories(tmp.resolve("out-" + id));
    Files.writeString(outputs.resolve("model.pkl"), "MODEL");
    Fixtures.finish(srv.store, srv.objects, srv.paths, r, outputs, "m\t1\t0\tloss\t0.5\n");
    srv.store.putParams(id, Map.of("db_password", "hunter2", "alpha", "0.1"));
    srv.store.putTags(id, Map.of("api_token", "tok-123", "team", "vision"));
    return srv.store.find(id).orElseThrow();
  }

  @Test
  void runViewsHideSecretsAndTheOwnerGetsTheSnapshotBack() throws Exception {
    seeded("iris_1", "alice");
    Http alice = srv.as("alice", Role.SUBMIT);
    Http reader = srv.as("reader", Role.READ);
    for (String path :
        List.of(
            "/api/v1/runs/iris_1",
            "/api/v1/runs",
            "/api/v1/runs/iris_1/params",
            "/api/v1/runs/iris_1/tags",
            "/api/v1/runs/iris_1/snapshot/aml_config/local.runconfig")) {
      Http.Response r = reader.get(path);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).doesNotContain("hunter2").doesNotContain("tok-123");
    }
    JsonNode info = reader.get("/api/v1/runs/iris_1").json();
    assertThat(info.get("params").get("db_password").asString()).isEqualTo("***");
    assertThat(info.get("params").get("alpha").asString()).isEqualTo("0.1");
    assertThat(info.get("tags").get("api_token").asString()).isEqualTo("***");
    assertThat(info.get("submitted_by").asString()).isEqualTo("alice");
    assertThat(info.get("arguments").toString())
        .contains("postgres://alice:***@db.example/runs")
        .contains("\"--api-token\",\"***\"");
    assertThat(reader.get("/api/v1/runs/iris_1/snapshot/aml_config/local.runconfig").body())
        .isEqualTo(
            RUNCONFIG
                .replace("DB_PASSWORD: hunter2", "DB_PASSWORD: ***")
                .replace("alice:hunter2@", "alice:***@"));
    assertThat(reader.get("/api/v1/runs/iris_1/snapshot/train.py").body())
        .isEqualTo("print('hi')\n");

    String original = "/api/v1/runs/iris_1/snapshot/aml_config/local.runconfig?original=true";
    assertThat(alice.get(original).body()).isEqualTo(RUNCONFIG);
    assertThat(http.get(original).body()).isEqualTo(RUNCONFIG);
    Http.Response refused = srv.as("bob", Role.SUBMIT).get(original);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).doesNotContain("hunter2");
    assertThat(reader.get(original).status()).isEqualTo(403);
  }

  @Test
  void everyRouteRefusesAMissingWrongRevokedOrTooWeakToken() throws Exception {
    seeded("iris_1", "alice");
    List<ApiRoutes.Route> table = srv.server.apiRoutes();
    // Every /api route the server answers is in the table (so none can be added without a role),
    // and the table is all of them.
    List<String> served = srv.server.routes().stream().filter(r -> r.contains(" /api/")).toList();
    assertThat(table)
        .extracting(r -> r.method() + " " + r.path())
        .containsExactlyInAnyOrderElementsOf(served);
    assertThat(table).hasSizeGreaterThanOrEqualTo(20);

    Http revoked = srv.as("gone", Role.ADMIN);
    assertThat(srv.store.tokens().revoke("gone")).isTrue();
    Map<String, Http> callers = new LinkedHashMap<>();
    callers.put("no token", srv.anonymous());
    callers.put("a wrong token", http.withToken(ApiTokenText.generate()));
    callers.put("a revoked token", revoked);
    Map<Role, Http> weaker =
        Map.of(
            Role.SUBMIT, srv.as("reader", Role.READ), Role.ADMIN, srv.as("submitter", Role.SUBMIT));
    List<String> tried = new ArrayList<>();
    for (ApiRoutes.Route route : table) {
      String path =
          route
              .path()
              .replace("{id}", "iris_1")
              .replace("<path>", "outputs/model.pkl")
              .replace("{name}", "loss")
              .replace("{sha256}", "a".repeat(64));
      for (Map.Entry<String, Http> c : callers.entrySet()) {
        assertRefused(c.getValue(), route.method(), path, 401, route + " with " + c.getKey());
      }
      if (weaker.containsKey(route.role())) {
        assertRefused(
            weaker.get(route.role()),
            route.method(),
            path,
            403,
            route + " with a token of a lower role");
      }
      tried.add(route.method() + " " + route.path());
    }
    assertThat(tried).hasSameSizeAs(table);
    assertThat(srv.store.find("iris_1"))
        .isPresent(); // nothing was deleted or changed by a refused call
  }

  private static void assertRefused(
      Http caller, String method, String path, int status, String what) {
    HttpRequest.Builder b =
        caller.request(path).header("Accept", "text/event-stream, application/json");
    HttpRequest request =
        switch (method) {
          case "POST" ->
              b.header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"hashes\": []}"))
                  .build();
          case "PUT" -> b.PUT(HttpRequest.BodyPublishers.ofString("x")).build();
          case "PATCH" ->
              b.header("Content-Type", "application/json")
                  .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"note\": \"x\"}"))
                  .build();
          case "DELETE" -> b.DELETE().build();
          default -> b.GET().build();
        };
    Http.Response r = caller.send(request);
    assertThat(r.status()).as(what).isEqualTo(status);
    JsonNode body = r.json();
    assertThat(body.propertyNames()).as(what).containsExactly("error");
    assertThat(r.body())
        .as(what)
        .doesNotContain("hunter2")
        .doesNotContain("iris_1\",")
        .doesNotContain("MODEL")
        .doesNotContain("loss\"");
  }

  @Test
  void revokingATokenClosesItsOpenStreamsWithinASecond() throws Exception {
    Run r = run("iris_live", 0, "local", "train.py", RunStatus.RUNNING);
    srv.store.create(r);
    Fixtures.log(srv.paths, r.id(), List.of("epoch 1"));
    Path metricFiles = Files.createDirectories(srv.paths.runState(r.id()).resolve("metrics"));
    Files.writeString(metricFiles.resolve("metrics-1.log"), "m\t1\t0\tloss\t0.5\n");
    Http carol = srv.as("carol", Role.READ);
    Http other = srv.as("dave", Role.READ);
    try (SseReader logs = new SseReader(carol, "/api/v1/runs/iris_live/events", null);
        SseReader metrics = new SseReader(carol, "/api/v1/runs/iris_live/metric-events", null);
        SseReader kept = new SseReader(other, "/api/v1/runs/iris_live/events", null)) {
      assertThat(logs.next(10).event()).isEqualTo("log");
      assertThat(metrics.next(10).event()).isEqualTo("metrics");
      assertThat(kept.next(10).event()).isEqualTo("log");
      assertThat(srv.store.tokens().revoke("carol")).isTrue();
      long revokedAt = System.nanoTime();
      List<SseReader.Event> seen = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(1))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                drain(logs, seen);
                drain(metrics, seen);
                return seen.stream().filter(e -> e == SseReader.CLOSED).count() == 2;
              });
      assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
      Fixtures.log(srv.paths, r.id(), List.of("epoch 2"));
      // The other token's stream goes on.
      SseReader.Event next;
      do {
        next = kept.next(10);
      } while (!next.event().equals("log") || !next.data().contains("epoch 2"));
      assertThat(next.data()).contains("epoch 2");
    }
  }

  @Test
  void revokingATokenCutsItsDownloadShort() throws Exception {
    Run big = run("iris_big", 0, "local", "train.py", RunStatus.RUNNING);
    srv.store.create(big);
    Path outputs = Files.createDirectories(tmp.resolve("out-big"));
    byte[] block = new byte[1 << 20];
    new Random(7).nextBytes(block);
    try (OutputStream out = Files.newOutputStream(outputs.resolve("big.bin"))) {
      for (int i = 0; i < 48; i++) {
        out.write(block);
      }
    }
    long size = 48L << 20;
    Fixtures.finish(srv.store, srv.objects, srv.paths, big, outputs, "m\t1\t0\tloss\t0.5\n");
    Run live = run("iris_live", 0, "local", "train.py", RunStatus.RUNNING);
    srv.store.create(live);
    Fixtures.log(srv.paths, live.id(), List.of("epoch 1"));
    Http erin = srv.as("erin", Role.READ);
    HttpResponse<InputStream> download =
        erin.stream(erin.request("/api/v1/runs/iris_big/artifacts/outputs/big.bin").GET().build());
    assertThat(download.statusCode()).isEqualTo(200);
    try (InputStream in = download.body();
        SseReader events = new SseReader(erin, "/api/v1/runs/iris_live/events", null)) {
      long received = in.readNBytes(1 << 20).length;
      assertThat(events.next(10).event()).isEqualTo("log");
      assertThat(srv.store.tokens().revoke("erin")).isTrue();
      // The stream of the same token closing shows the server has seen the revocation; the download
      // is cut at its next block.
      List<SseReader.Event> seen = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(1))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                drain(events, seen);
                return seen.contains(SseReader.CLOSED);
              });
      try {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
          received += n;
        }
      } catch (IOException e) {
        // cut short: what a revoked download looks like to the client
      }
      assertThat(received).as("bytes received of " + size).isLessThan(size);
    }
  }

  private static void drain(SseReader reader, List<SseReader.Event> seen)
      throws InterruptedException {
    SseReader.Event e;
    while ((e = reader.poll()) != null) {
      seen.add(e);
    }
  }

  @Test
  void everyKindOfAnswerCarriesTheBrowserHeaders() throws Exception {
    seeded("iris_1", "alice");
    Http reader = srv.as("reader", Role.READ);
    List<Http.Response> answers =
        List.of(
            srv.anonymous().get("/health"),
            srv.anonymous().get("/"),
            srv.anonymous().get("/index.html"),
            srv.anonymous().get("/app.js"),
            srv.anonymous().get("/no-such-file.js"),
            srv.anonymous().get("/api/v1/runs"),
            http.get("/api/v1/runs"),
            http.get("/api/v1/runs/nope"),
            http.get("/api/v1/no-such-route"),
            http.get("/api/v1/runs/iris_1/artifacts/outputs/model.pkl"),
            http.get("/api/v1/runs/iris_1/snapshot/aml_config/local.runconfig"),
            http.get("/api/v1/runs?limit=0"),
            reader.send(reader.request("/api/v1/runs/iris_1").DELETE().build()));
    for (Http.Response a : answers) {
      assertBrowserHeaders(
          a.raw().headers(),
          a.raw().request().method() + " " + a.raw().uri() + " -> " + a.status());
    }
    assertThat(answers.get(answers.size() - 1).status()).isEqualTo(403);
    try (SseReader events = new SseReader(http, "/api/v1/runs/iris_1/events", null)) {
      assertThat(events.status()).isEqualTo(200);
      assertBrowserHeaders(events.headers(), "event stream");
    }
  }

  static void assertBrowserHeaders(HttpHeaders h, String what) {
    assertThat(h.firstValue("Content-Security-Policy"))
        .as(what)
        .hasValueSatisfying(
            csp ->
                assertThat(csp)
                    .contains("script-src 'self'")
                    .contains("frame-ancestors 'none'")
                    .contains("default-src 'self'")
                    .doesNotContain("unsafe-inline"));
    assertThat(h.firstValue("X-Frame-Options")).as(what).contains("DENY");
    assertThat(h.firstValue("X-Content-Type-Options")).as(what).contains("nosniff");
    assertThat(h.firstValue("Referrer-Policy")).as(what).contains("no-referrer");
  }

  /**
   * The web UI's own files hold no inline script or handler, so the policy above does not break it.
   */
  @Test
  void theUiHasNoInlineScript() throws Exception {
    String index = srv.anonymous().get("/index.html").body();
    assertThat(index)
        .doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>")
        .doesNotContainPattern("\\son[a-z]+\\s*=")
        .doesNotContain("javascript:");
  }
}
