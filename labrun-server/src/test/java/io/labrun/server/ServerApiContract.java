package io.labrun.server;

import static io.labrun.server.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.app.Runs;
import io.labrun.app.RunsPage;
import io.labrun.app.remote.Server;
import io.labrun.app.remote.ServerRuns;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.RunTableQuery.MetricCondition;
import io.labrun.core.history.RunTableQuery.Sort;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.core.run.query.RunFilter;
import io.labrun.core.snapshot.Snapshot;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/** The REST API over HTTP, against one kind of history database (a subclass says which). */
abstract class ServerApiContract {
  @TempDir Path tmp;
  TestServer srv;
  Http http;

  /** The URL of a new, empty history database. */
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

  @Test
  void healthIsOpenAndEveryApiRouteNeedsAValidToken() {
    assertThat(srv.anonymous().get("/health").status()).isEqualTo(200);
    for (String path :
        List.of(
            "/api/v1/runs",
            "/api/v1/runs/nope",
            "/api/v1/openapi.json",
            "/api/v1/experiments",
            "/api/v1/no-such-route")) {
      Http.Response r = srv.anonymous().get(path);
      assertThat(r.status()).as(path).isEqualTo(401);
      assertThat(r.json().get("error").asString()).contains("Bearer");
      assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
      assertThat(http.withToken("lrt_not-a-token").get(path).status()).as(path).isEqualTo(401);
    }
    assertThat(http.get("/api/v1/runs").status()).isEqualTo(200);
    assertThat(http.get("/api/v1/no-such-route").status()).isEqualTo(404);
    assertThat(
            srv.anonymous()
                .send(
                    srv.anonymous()
                        .request("/api/v1/runs")
                        .header("Authorization", "Basic " + srv.token)
                        .GET()
                        .build())
                .status())
        .isEqualTo(401);
  }

  @Test
  void aRevokedTokenIsRefusedOnTheNextRequest() {
    assertThat(http.get("/api/v1/runs").status()).isEqualTo(200);
    assertThat(srv.store.tokens().list())
        .singleElement()
        .satisfies(t -> assertThat(srv.store.tokens().revoke(t.name())).isTrue());
    assertThat(http.get("/api/v1/runs").status()).isEqualTo(401);
  }

  @Test
  void runsArePagedFilteredAndSortedWithTheCliFieldNames() {
    for (int i = 0; i < 12; i++) {
      Run r =
          run(
              String.format("iris_%02d", i),
              i,
              i % 2 == 0 ? "local" : "gpu",
              i < 6 ? "train.py" : "eval.py",
              i % 3 == 0 ? RunStatus.FAILED : RunStatus.COMPLETED);
      srv.store.create(r);
      Fixtures.points(srv.store, r.id(), "accuracy", 3, i / 10.0);
    }
    JsonNode first = http.get("/api/v1/runs?limit=5").json();
    JsonNode row = first.get("runs").get(0);
    assertThat(row.get("run_id").asString()).isEqualTo("iris_11");
    for (String field :
        List.of(
            "run_id",
            "status",
            "script_name",
            "created_utc",
            "target",
            "run_configuration",
            "duration")) {
      assertThat(row.has(field)).as(field).isTrue();
    }
    List<String> all = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          http.get("/api/v1/runs?limit=5" + (cursor == null ? "" : "&cursor=" + cursor)).json();
      page.get("runs").forEach(r -> all.add(r.get("run_id").asString()));
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asString();
    } while (cursor != null);
    assertThat(all)
        .containsExactlyElementsOf(
            IntStream.range(0, 12).mapToObj(i -> String.format("iris_%02d", 11 - i)).toList());

    assertThat(ids("/api/v1/runs?status=Failed&target=local"))
        .containsExactly("iris_06", "iris_00");
    assertThat(ids("/api/v1/runs?script=eval.py&status=completed,failed&sort=created"))
        .containsExactly("iris_06", "iris_07", "iris_08", "iris_09", "iris_10", "iris_11");
    JsonNode filtered =
        http.get(
                "/api/v1/runs?where="
                    + enc("accuracy > 0.75")
                    + "&where="
                    + enc("accuracy<=1.0")
                    + "&sort=-metric:accuracy")
            .json();
    assertThat(filtered.get("runs"))
        .extracting(r -> r.get("run_id").asString())
        .containsExactly("iris_10", "iris_09", "iris_08");
    assertThat(filtered.get("runs").get(0).get("metrics").get("accuracy").asDouble())
        .isEqualTo(1.0);
    assertThat(http.get("/api/v1/runs?sort=bogus").status()).isEqualTo(400);
    assertThat(http.get("/api/v1/runs?where=" + enc("accuracy ~ 3")).json().get("error").asString())
        .contains("accuracy > 0.9");
    assertThat(http.get("/api/v1/runs?status=Sleeping").status()).isEqualTo(400);
    assertThat(http.get("/api/v1/runs?limit=100000").status()).isEqualTo(400);
    assertThat(http.get("/api/v1/experiments").json().get("experiments").get(0).get("runs").asInt())
        .isEqualTo(12);
  }

  @Test
  void theFilterParameterIsTheQueryLanguageWithItsOrderAndPages() {
    for (int i = 0; i < 8; i++) {
      Run r =
          run(
              String.format("iris_%02d", i),
              i,
              i % 2 == 0 ? "local" : "gpu",
              "train.py",
              i % 3 == 0 ? RunStatus.FAILED : RunStatus.COMPLETED);
      srv.store.create(r);
      srv.store.putParams(r.id(), Map.of("reg", Integer.toString(i % 4 * 10)));
      Fixtures.points(srv.store, r.id(), "accuracy", 2, (i * 3 % 8) / 10.0);
    }
    String byAccuracy =
        "/api/v1/runs?limit=2&sort=created&filter="
            + enc("params.reg in (10, 30) or target = \"local\" order by metrics.accuracy desc");
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = http.get(byAccuracy + (cursor == null ? "" : "&cursor=" + cursor)).json();
      page.get("runs")
          .forEach(
              r -> {
                seen.add(r.get("run_id").asString());
                assertThat(r.get("metrics").has("accuracy"))
                    .as("the order's metric comes as a column")
                    .isTrue();
              });
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asString();
    } while (cursor != null);
    // accuracy (its last point) is (i * 3 % 8) / 10; every run matches (reg 10 or 30 for odd i,
    // local for even i)
    assertThat(seen)
        .containsExactly(
            "iris_05", "iris_02", "iris_07", "iris_04", "iris_01", "iris_06", "iris_03", "iris_00");
    assertThat(
            ids(
                "/api/v1/runs?status=Completed&filter="
                    + enc("params.reg >= 20 and not target ~ \"gp*\"")))
        .containsExactly("iris_02");
    assertThat(
            ids(
                "/api/v1/runs?limit=3&after=iris_07&filter="
                    + enc("order by params.reg desc, created")))
        .containsExactly("iris_02", "iris_06", "iris_01");
    Http.Response bad = http.get("/api/v1/runs?filter=" + enc("params.reg in (10, 30"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("error").asString())
        .isEqualTo(
            "filter, column 22: expected a , or the ) that ends the list, found the end of the"
                + " filter");
  }

  /**
   * The command line reads the runs table through {@link ServerRuns#page}: the same rows, columns
   * and cursors as the UI's request, and the server's refusal as one line.
   */
  @Test
  void theCommandLineReadsTheUisPageThroughRuns() {
    for (int i = 0; i < 6; i++) {
      Run r = run(String.format("iris_%02d", i), i, "local", "train.py", RunStatus.COMPLETED);
      srv.store.create(r);
      srv.store.putParams(r.id(), Map.of("reg", Integer.toString(i), "api_key", "k" + i));
      srv.store.putTags(r.id(), Map.of("team", i % 2 == 0 ? "even" : "odd"));
      Fixtures.points(srv.store, r.id(), "accuracy", 2, i / 10.0);
      Fixtures.points(srv.store, r.id(), "loss", 2, 1 - i / 10.0);
    }
    Runs runs =
        new ServerRuns(new Server("http://127.0.0.1:" + srv.server.port(), srv.token), null);
    String url =
        "/api/v1/runs?limit=2&sort=-metric:accuracy&columns="
            + enc("loss,params.reg,params.api_key,tags.team")
            + "&where="
            + enc("accuracy >= 0.2")
            + "&filter="
            + enc("params.reg != 5");
    List<Object> throughRuns = new ArrayList<>();
    List<Object> byHand = new ArrayList<>();
    String cursor = null;
    do {
      RunsPage page =
          runs.page(
              new RunsPage.Query(
                  RunQuery.all().withRunFilter(RunFilter.parse("params.reg != 5")),
                  "params.reg != 5",
                  List.of(new MetricCondition("accuracy", MetricCondition.Op.GE, 0.2)),
                  new Sort(null, "accuracy", true),
                  RunsPage.Columns.parse("loss,params.reg,params.api_key,tags.team"),
                  null,
                  cursor,
                  2));
      throughRuns.addAll(page.rows());
      JsonNode json = http.get(url + (cursor == null ? "" : "&cursor=" + cursor)).json();
      byHand.addAll(Http.JSON.convertValue(json.get("runs"), new TypeReference<List<Object>>() {}));
      cursor = page.nextCursor();
      assertThat(cursor)
          .isEqualTo(json.get("next_cursor").isNull() ? null : json.get("next_cursor").asString());
    } while (cursor != null);
    assertThat(throughRuns).isEqualTo(byHand).hasSize(3);
    assertThat(throughRuns)
        .extracting(r -> (Object) ((Map<?, ?>) r).get("run_id"))
        .containsExactly("iris_04", "iris_03", "iris_02");
    Map<?, ?> first = (Map<?, ?>) throughRuns.get(0);
    assertThat(first.get("params")).isEqualTo(Map.of("reg", "4", "api_key", "***"));
    assertThat(first.get("tags")).isEqualTo(Map.of("team", "even"));
    assertThat(((Map<?, ?>) first.get("metrics")).keySet()).isEqualTo(Set.of("accuracy", "loss"));

    assertThatThrownBy(
            () ->
                runs.page(
                    new RunsPage.Query(RunQuery.all(), null, null, null, null, "iris_03", "x", 2)))
        .isInstanceOf(LabrunException.class)
        .hasMessageContaining("'after' pages newest first without metric conditions or cursor");
  }

  @Test
  void aRunShowsWhatWasRecordedButNoSecretAndNoServerPath() {
    Run r = run("iris_secret", 0, "local", "train.py", RunStatus.COMPLETED);
    srv.store.create(r);
    srv.store.putParams(r.id(), Map.of("solver", "lbfgs", "api_key", "sk-live-123"));
    srv.store.putTags(r.id(), Map.of("dataset", "v2"));
    Http.Response info = http.get("/api/v1/runs/iris_secret");
    JsonNode j = info.json();
    assertThat(j.get("status").asString()).isEqualTo("Completed");
    assertThat(j.get("arguments"))
        .extracting(JsonNode::asString)
        .containsExactly("0.5", "--epochs", "3");
    assertThat(j.get("environment_variables").get("MODE").asString()).isEqualTo("fast");
    assertThat(j.get("environment_variables").get("DB_PASSWORD").asString()).isEqualTo("***");
    assertThat(j.get("params").get("api_key").asString()).isEqualTo("***");
    assertThat(j.get("tags").get("dataset").asString()).isEqualTo("v2");
    assertThat(info.body()).doesNotContain("sk-live-123", "secret-project", "4242", srv.token);
    assertThat(http.get("/api/v1/runs/iris_secret/params").body()).doesNotContain("sk-live-123");
    Http.Response missing = http.get("/api/v1/runs/nope");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("error").asString())
        .isEqualTo("no run 'nope' in the history; list runs with 'labrun history list'");
  }

  @Test
  void metricsComeSummarizedAndAMillionPointsComeDownsampled() {
    Run r = run("iris_m", 0, "local", "train.py", RunStatus.COMPLETED);
    srv.store.create(r);
    Fixtures.points(srv.store, r.id(), "loss", 1_000_000, 2.0);
    Fixtures.points(srv.store, r.id(), "lr", 10, 1.0);
    JsonNode summaries = http.get("/api/v1/runs/iris_m/metrics").json().get("metrics");
    assertThat(summaries)
        .extracting(m -> m.get("name").asString() + "=" + m.get("count").asLong())
        .containsExactly("loss=1000000", "lr=10");
    // the run's record has them by name, as 'labrun history info -o json' shows them
    JsonNode byName = http.get("/api/v1/runs/iris_m").json().get("metrics");
    assertThat(byName.get("loss").get("count").asLong()).isEqualTo(1_000_000);
    assertThat(byName.get("lr").get("count").asLong()).isEqualTo(10);
    assertThat(byName.get("lr").get("last").asDouble()).isEqualTo(1.0);
    JsonNode loss = http.get("/api/v1/runs/iris_m/metrics/loss?max_points=1000").json();
    assertThat(loss.get("downsampled").asBoolean()).isTrue();
    assertThat(loss.get("count").asLong()).isEqualTo(1_000_000);
    assertThat(loss.get("points").size()).isBetween(500, 1000);
    JsonNode last = loss.get("points").get(loss.get("points").size() - 1);
    assertThat(last.get(0).asLong()).isEqualTo(999_999);
    assertThat(last.get(2).asDouble()).isEqualTo(2.0);
    JsonNode lr = http.get("/api/v1/runs/iris_m/metrics/lr").json();
    assertThat(lr.get("downsampled").asBoolean()).isFalse();
    assertThat(lr.get("points").size()).isEqualTo(10);
    assertThat(http.get("/api/v1/runs/iris_m/metrics/lr?max_points=1").status()).isEqualTo(400);
  }

  @Test
  void artifactsAndSnapshotFilesDownloadAndNoNameReachesAnotherFile() throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "TOP-SECRET-CONTENT");
    Path project = Files.createDirectories(tmp.resolve("iris"));
    Files.writeString(project.resolve("train.py"), "print('hi')\n");
    Files.createSymbolicLink(project.resolve("leak.txt"), secret);
    Snapshot snap = Fixtures.snapshot(srv.objects, tmp.resolve("cache"), project);
    Run r = run("iris_files", 0, "local", "train.py", RunStatus.RUNNING).withSnapshot(snap.id());
    srv.store.create(r);
    Path outputs = Files.createDirectories(tmp.resolve("outputs"));
    Files.writeString(outputs.resolve("model.pkl"), "MODEL");
    Files.createDirectories(outputs.resolve("plots"));
    Files.writeString(outputs.resolve("plots/a b.html"), "<script>alert(1)</script>");
    Files.createSymbolicLink(outputs.resolve("link"), secret);
    Fixtures.finish(srv.store, srv.objects, srv.paths, r, outputs, "m\t1\t0\tacc\t0.5\n");

    assertThat(http.get("/api/v1/runs/iris_files/artifacts").json().get("artifacts"))
        .extracting(a -> a.get("path").asString())
        .containsExactly("outputs/model.pkl", "outputs/plots/a b.html");
    Http.Response model = http.get("/api/v1/runs/iris_files/artifacts/outputs/model.pkl");
    assertThat(model.status()).isEqualTo(200);
    assertThat(model.body()).isEqualTo("MODEL");
    assertThat(model.header("Content-Length")).isEqualTo("5");
    Http.Response html = http.get("/api/v1/runs/iris_files/artifacts/outputs/plots/a%20b.html");
    assertThat(html.header("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(html.header("Content-Disposition")).startsWith("attachment;");
    assertThat(http.get("/api/v1/runs/iris_files/snapshot").json().get("files"))
        .extracting(f -> f.get("path").asString())
        .containsExactly("train.py");
    assertThat(http.get("/api/v1/runs/iris_files/snapshot/train.py").body())
        .isEqualTo("print('hi')\n");

    for (String evil :
        List.of(
            "outputs/link",
            "../../../../" + secret,
            "outputs/../../secret.txt",
            "%2e%2e/%2e%2e/secret.txt",
            "%2e%2e%2f%2e%2e%2fsecret.txt",
            "%252e%252e/secret.txt",
            "/" + secret,
            "%2F" + secret.toString().substring(1).replace("/", "%2F"),
            "outputs%5c..%5c..%5csecret.txt",
            "outputs/./model.pkl/..",
            "outputs//model.pkl")) {
      for (String base :
          List.of("/api/v1/runs/iris_files/artifacts/", "/api/v1/runs/iris_files/snapshot/")) {
        Http.Response resp =
            http.send(http.request("/").uri(URI.create(http.base() + base + evil)).GET().build());
        assertThat(resp.status()).as(base + evil).isIn(400, 404);
        assertThat(resp.body()).as(base + evil).doesNotContain("TOP-SECRET");
      }
    }
    assertThat(http.get("/api/v1/runs/iris_files/snapshot/leak.txt").status()).isEqualTo(404);
  }

  @Test
  void logsAreReadFromAnOffsetOrFromTheirTail() throws Exception {
    srv.store.create(run("iris_log", 0, "local", "train.py", RunStatus.COMPLETED));
    List<String> lines =
        IntStream.range(0, 100).mapToObj(i -> "line " + i + " tab\\there").toList();
    Fixtures.log(srv.paths, "iris_log", lines);
    JsonNode all = http.get("/api/v1/runs/iris_log/logs").json();
    assertThat(all.get("records").size()).isEqualTo(100);
    assertThat(all.get("records").get(3).get("text").asString()).isEqualTo("line 3 tab\there");
    assertThat(all.get("complete").asBoolean()).isTrue();
    long third = all.get("records").get(3).get("offset").asLong();
    JsonNode from = http.get("/api/v1/runs/iris_log/logs?offset=" + third + "&max_bytes=64").json();
    assertThat(from.get("records").get(0).get("text").asString()).startsWith("line 3 ");
    assertThat(from.get("complete").asBoolean()).isFalse();
    JsonNode tail = http.get("/api/v1/runs/iris_log/logs?tail_bytes=100").json();
    assertThat(tail.get("records"))
        .extracting(r -> r.get("text").asString())
        .last()
        .isEqualTo("line 99 tab\there");
    assertThat(tail.get("records").get(0).get("offset").asLong()).isGreaterThan(0);
    assertThat(tail.get("records").size()).isLessThan(6);
    assertThat(http.get("/api/v1/runs/iris_log/logs?offset=-1").status()).isEqualTo(400);
  }

  private List<String> ids(String path) {
    List<String> out = new ArrayList<>();
    http.get(path).json().get("runs").forEach(r -> out.add(r.get("run_id").asString()));
    return out;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
