package io.labrun.server;

import static io.labrun.server.Fixtures.run;
import static io.labrun.server.ServerApiContract.enc;
import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.history.ApiTokens.Role;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * What the web UI's run and compare pages ask of a real server: tags and a note edited (PATCH), a
 * search in a run's output, and many runs compared field by field and metric by metric; against one
 * kind of history database (a subclass says which).
 */
abstract class RunEditsCompareContract {
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

  @Test
  void tagsAndTheNoteAreEditedByTheSubmitterOrAnAdminAndFound() {
    Http alice = srv.as("alice", Role.SUBMIT);
    Run r =
        run("iris_edit", 0, "local", "train.py", RunStatus.COMPLETED)
            .withAttribute(Run.SUBMITTED_BY, "alice");
    srv.store.create(r);
    srv.store.putTags(r.id(), Map.of("team", "vision", "stale", "x"));

    Http.Response edited =
        patch(
            alice,
            "/api/v1/runs/iris_edit",
            "{\"tags\": {\"team\": \"nlp\", \"stage\": 2}, \"untag\": [\"stale\"],"
                + " \"note\": \"  best so far  \"}");
    assertThat(edited.status()).as(edited.body()).isEqualTo(200);
    JsonNode info = http.get("/api/v1/runs/iris_edit").json();
    assertThat(info.get("tags").properties())
        .extracting(e -> e.getKey() + "=" + e.getValue().asString())
        .containsExactly("stage=2", "team=nlp");
    assertThat(info.get("note").get("text").asString()).isEqualTo("best so far");
    assertThat(info.get("note").get("edited_by").asString()).isEqualTo("alice");
    assertThat(info.get("note").get("edited_utc").asString()).endsWith("Z");
    // the edit is what filters see
    assertThat(ids("/api/v1/runs?filter=" + enc("tags.team = \"nlp\" and tags.stage = 2")))
        .containsExactly("iris_edit");
    assertThat(ids("/api/v1/runs?filter=" + enc("tags.stale ~ \"*\""))).isEmpty();

    Http.Response other = patch(srv.as("bob", Role.SUBMIT), "/api/v1/runs/iris_edit", "{}");
    assertThat(other.status()).isEqualTo(403);
    assertThat(patch(srv.as("reader", Role.READ), "/api/v1/runs/iris_edit", "{}").status())
        .isEqualTo(403);
    Http.Response nothing = patch(alice, "/api/v1/runs/iris_edit", "{}");
    assertThat(nothing.status()).isEqualTo(400);
    assertThat(nothing.json().get("error").asString()).startsWith("nothing to change");
    Http.Response both =
        patch(alice, "/api/v1/runs/iris_edit", "{\"tags\": {\"a\": \"1\"}, \"untag\": [\"a\"]}");
    assertThat(both.status()).isEqualTo(400);
    assertThat(patch(alice, "/api/v1/runs/nope", "{\"note\": \"x\"}").status()).isEqualTo(404);
    // an admin may edit any run; an empty note removes it
    assertThat(patch(http, "/api/v1/runs/iris_edit", "{\"note\": \"\"}").status()).isEqualTo(200);
    assertThat(http.get("/api/v1/runs/iris_edit").json().get("note").isNull()).isTrue();
    assertThat(srv.store.tags("iris_edit")).containsOnlyKeys("stage", "team");
  }

  @Test
  void aSearchInTheOutputIsBoundedAndGoesOnFromWhereItStopped() throws Exception {
    srv.store.create(run("iris_log", 0, "local", "train.py", RunStatus.COMPLETED));
    List<String> lines =
        IntStream.range(0, 5000)
            .mapToObj(i -> i % 1000 == 7 ? "epoch " + i + ": Loss NaN" : "epoch " + i + ": ok")
            .toList();
    Fixtures.log(srv.paths, "iris_log", lines);
    JsonNode first = http.get("/api/v1/runs/iris_log/logs/search?q=loss%20nan&limit=3").json();
    assertThat(first.get("matches"))
        .extracting(m -> m.get("text").asString())
        .containsExactly("epoch 7: Loss NaN", "epoch 1007: Loss NaN", "epoch 2007: Loss NaN");
    assertThat(first.get("matches").get(0).get("match_start").asInt()).isEqualTo(9);
    assertThat(first.get("matches").get(0).get("match_end").asInt()).isEqualTo(17);
    assertThat(first.get("complete").asBoolean()).isFalse();
    JsonNode rest =
        http.get(
                "/api/v1/runs/iris_log/logs/search?q=loss%20nan&offset="
                    + first.get("next_offset").asLong())
            .json();
    assertThat(rest.get("matches"))
        .extracting(m -> m.get("text").asString())
        .containsExactly("epoch 3007: Loss NaN", "epoch 4007: Loss NaN");
    assertThat(rest.get("complete").asBoolean()).isTrue();

    String regex = "/api/v1/runs/iris_log/logs/search?regex=true&ignore_case=false&q=";
    assertThat(http.get(regex + enc("^epoch 49\\d\\d: Loss")).json().get("matches"))
        .extracting(m -> m.get("text").asString())
        .isEmpty();
    assertThat(http.get(regex + enc("^epoch 4\\d07: Loss")).json().get("matches").size())
        .isEqualTo(1);
    Http.Response bad = http.get(regex + enc("(unclosed"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("error").asString()).contains("not a regular expression");
    assertThat(http.get("/api/v1/runs/iris_log/logs/search").status()).isEqualTo(400);
  }

  @Test
  void manyRunsCompareFieldByFieldAndTheirMetricsOverlay() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Run r = run(String.format("sweep_%02d", i), i, "local", "train.py", RunStatus.COMPLETED);
      srv.store.create(r);
      srv.store.putParams(r.id(), Map.of("lr", Double.toString(i / 100.0), "solver", "lbfgs"));
      srv.store.putTags(r.id(), Map.of("team", "vision"));
      Fixtures.points(srv.store, r.id(), "loss", 1000, 1.0 + i);
      ids.add(r.id());
    }
    JsonNode all = http.get("/api/v1/compare?runs=" + String.join(",", ids)).json();
    assertThat(all.get("runs").size()).isEqualTo(60);
    assertThat(all.get("runs").get(0).get("label").asString()).isEqualTo("p_00 lr=0.0");
    assertThat(all.get("fields"))
        .extracting(f -> f.get("field").asString())
        .contains("status", "params.lr", "params.solver", "metrics.loss", "tags.team");
    JsonNode diff =
        http.get("/api/v1/compare?only_differences=true&runs=" + String.join(",", ids)).json();
    assertThat(diff.get("fields"))
        .extracting(f -> f.get("field").asString())
        .containsExactly("duration_ms", "params.lr", "metrics.loss");
    assertThat(diff.get("same_fields").asInt()).isEqualTo(all.get("fields").size() - 3);
    assertThat(diff.get("fields").get(2).get("values").get("sweep_59").asDouble()).isEqualTo(60.0);

    JsonNode byFilter =
        http.get(
                "/api/v1/compare?limit=3&filter=" + enc("params.lr >= 0.1 order by params.lr desc"))
            .json();
    assertThat(byFilter.get("runs"))
        .extracting(r -> r.get("run_id").asString())
        .containsExactly("sweep_59", "sweep_58", "sweep_57");

    JsonNode overlay =
        http.get("/api/v1/compare/metrics/loss?x=time&max_points=100&runs=" + String.join(",", ids))
            .json();
    assertThat(overlay.get("series").size()).isEqualTo(60);
    JsonNode one = overlay.get("series").get(0);
    assertThat(one.get("count").asLong()).isEqualTo(1000);
    assertThat(one.get("downsampled").asBoolean()).isTrue();
    assertThat(one.get("points").size()).isBetween(2, 100);
    JsonNode last = one.get("points").get(one.get("points").size() - 1);
    // sweep_00 started at T0 + 1 s; its points were logged at T0 + step ms (999 is the last)
    assertThat(last.get(0).asDouble()).isEqualTo(-0.001);
    assertThat(last.get(1).asDouble()).isEqualTo(1.0);
    JsonNode bySteps = http.get("/api/v1/compare/metrics/loss?runs=sweep_59").json();
    assertThat(bySteps.get("columns")).extracting(JsonNode::asString).first().isEqualTo("step");
    JsonNode lastStep =
        bySteps
            .get("series")
            .get(0)
            .get("points")
            .get(bySteps.get("series").get(0).get("points").size() - 1);
    assertThat(lastStep.get(0).asLong()).isEqualTo(999);
    assertThat(lastStep.get(1).asDouble()).isEqualTo(60.0);
    assertThat(http.get("/api/v1/compare/metrics/loss?x=wall&runs=sweep_00").status())
        .isEqualTo(400);
    assertThat(http.get("/api/v1/compare").status()).isEqualTo(400);
    assertThat(http.get("/api/v1/compare?runs=sweep_00,nope").status()).isEqualTo(404);
  }

  @Test
  void theMetricsOfManyRunsOverlayInOneRequestEachRunAsItsOwnChartShowsIt() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Run r = run("cmp_" + i, i, "local", "train.py", RunStatus.COMPLETED);
      srv.store.create(r);
      Fixtures.points(srv.store, r.id(), "loss", 500, 1.0 + i);
      ids.add(r.id());
    }
    Fixtures.points(srv.store, "cmp_0", "acc", 10, 0.9); // few points: every one
    Fixtures.points(srv.store, "cmp_1", "acc", 1000, 0.8); // many: buckets of the rollup
    List<MetricPoint> lists = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      lists.add(new MetricPoint("acc", i, Fixtures.T0.plusMillis(i), null, "[" + i + ", 1]"));
    }
    srv.store.appendMetrics("cmp_2", lists); // many lists, no scalar to sum up: the first 100
    Fixtures.points(srv.store, "cmp_4", "acc", 1000, 0.7); // cmp_3 has no acc
    srv.store.appendMetrics(
        "cmp_4", List.of(new MetricPoint("acc", 5000, Fixtures.T0.plusSeconds(5), 0.1, null)));

    JsonNode both =
        http.get(
                "/api/v1/compare/metrics?max_points=100&name=loss&name=acc&runs="
                    + String.join(",", ids))
            .json();
    assertThat(both.get("x").asString()).isEqualTo("step");
    assertThat(both.get("metrics"))
        .extracting(m -> m.get("name").asString())
        .containsExactly("loss", "acc");
    JsonNode loss = both.get("metrics").get(0).get("series");
    assertThat(loss).extracting(r -> r.get("run_id").asString()).containsExactlyElementsOf(ids);
    JsonNode acc = both.get("metrics").get(1).get("series");
    assertThat(acc)
        .extracting(r -> r.get("run_id").asString())
        .containsExactly("cmp_0", "cmp_1", "cmp_2", "cmp_4");
    JsonNode few = acc.get(0);
    assertThat(few.get("count").asLong()).isEqualTo(10);
    assertThat(few.get("downsampled").asBoolean()).isFalse();
    assertThat(few.get("points"))
        .extracting(p -> p.get(0).asLong())
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(few.get("points").get(9).get(1).asDouble())
        .isEqualTo(0.9 * 9 / 9); // Fixtures.points
    JsonNode many = acc.get(1);
    assertThat(many.get("count").asLong()).isEqualTo(1000);
    assertThat(many.get("downsampled").asBoolean()).isTrue();
    assertThat(many.get("points").size()).isEqualTo(16); // 1000 steps in buckets of 64
    JsonNode lastBucket = many.get("points").get(15);
    assertThat(lastBucket.get(0).asLong()).isEqualTo(999);
    assertThat(lastBucket.get(1).asDouble()).isEqualTo(0.8 * 999 / 999);
    assertThat(many.get("points").get(0).get(2).asDouble()).isEqualTo(0.0);
    JsonNode listed = acc.get(2);
    assertThat(listed.get("downsampled").asBoolean()).isFalse();
    assertThat(listed.get("points").size()).isEqualTo(100);
    assertThat(listed.get("points").get(0).get(1).isNull()).isTrue();
    assertThat(acc.get(3).get("count").asLong()).isEqualTo(1001);
    assertThat(acc.get(3).get("points").get(acc.get(3).get("points").size() - 1).get(0).asLong())
        .isEqualTo(5000);

    // each run's series is the one its own chart shows (GET /runs/ID/metrics/NAME)
    for (JsonNode metric : both.get("metrics")) {
      for (JsonNode series : metric.get("series")) {
        JsonNode own =
            http.get(
                    "/api/v1/runs/"
                        + series.get("run_id").asString()
                        + "/metrics/"
                        + metric.get("name").asString()
                        + "?max_points=100")
                .json();
        assertThat(series.get("count").asLong()).isEqualTo(own.get("count").asLong());
        assertThat(series.get("downsampled").asBoolean())
            .isEqualTo(own.get("downsampled").asBoolean());
        List<String> expected = new ArrayList<>();
        own.get("points")
            .forEach(
                p -> expected.add(p.get(0) + " " + p.get(2) + " " + p.get(3) + " " + p.get(4)));
        List<String> got = new ArrayList<>();
        series
            .get("points")
            .forEach(p -> got.add(p.get(0) + " " + p.get(1) + " " + p.get(2) + " " + p.get(3)));
        assertThat(got).isEqualTo(expected);
      }
    }
    JsonNode one =
        http.get("/api/v1/compare/metrics/acc?max_points=100&runs=" + String.join(",", ids)).json();
    assertThat(one.get("series")).isEqualTo(acc);
    assertThat(http.get("/api/v1/compare/metrics?runs=cmp_0").status()).isEqualTo(400);
    assertThat(
            http.get("/api/v1/compare/metrics?name=acc&runs=" + String.join(",", ids) + ",nope")
                .status())
        .isEqualTo(404);
  }

  private static Http.Response patch(Http client, String path, String json) {
    return client.send(
        client
            .request(path)
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  private List<String> ids(String path) {
    List<String> out = new ArrayList<>();
    http.get(path).json().get("runs").forEach(r -> out.add(r.get("run_id").asString()));
    return out;
  }
}
