package io.labrun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.core.history.ApiTokens.Role;
import io.labrun.core.project.Project;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.format.ProjectTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run page's tools in real headless Chromium ({@code src/test/browser/run-page.mjs}): text, CSV
 * and JSON artifacts previewed in place (a large one only its first 64 KiB, files holding HTML and
 * script shown as text), and a real running run (the local target through the server's queue)
 * canceled with the page's button after its confirmation.
 */
class RunPageUiIT {
  static final String SCRIPT =
      "<script>window.__xss = 1</script><img src=x onerror=\"window.__xss=2\">";

  @TempDir Path tmp;

  /** The history the server reads (PostgresRunPageUiIT: a new PostgreSQL schema). */
  String newStoreUrl() throws Exception {
    return TestDatabases.sqlite(tmp.resolve("db"));
  }

  @Test
  void artifactPreviewsAndCancelWorkInChromium() throws Exception {
    Path project = Files.createDirectories(tmp.resolve("client/iris"));
    ProjectTemplate.create(new Project(project));
    Files.writeString(
        project.resolve("train.py"),
        """
        import time
        i = 0
        while True:
            print("tick", i, flush=True)
            i += 1
            time.sleep(0.2)
        """);
    try (TestServer srv =
        TestServer.withLocalPipeline(
            tmp.resolve("server"), newStoreUrl(), ServerConfig.defaults())) {
      Run done = Fixtures.run("iris_done", 1, "local", "train.py", RunStatus.RUNNING);
      srv.store.create(done);
      Path outputs = Files.createDirectories(tmp.resolve("outputs"));
      Files.writeString(outputs.resolve("notes.txt"), "a note\n" + SCRIPT + "\n");
      Files.writeString(
          outputs.resolve("scores.csv"),
          "fold,accuracy,comment\n1,0.91,\"plain, quoted\"\n2,0.93,"
              + SCRIPT.replace("\"", "'")
              + "\n");
      Files.writeString(
          outputs.resolve("summary.json"),
          "{\"best\": {\"reg\": 10, \"html\": \"" + SCRIPT.replace("\"", "'") + "\"}}");
      StringBuilder big = new StringBuilder();
      for (int i = 0; big.length() < 200_000; i++) {
        big.append("line ").append(i).append('\n');
      }
      Files.writeString(outputs.resolve("train.log"), big);
      Fixtures.finish(srv.store, srv.objects, srv.paths, done, outputs, "");
      srv.store.putTags(done.id(), Map.of("team", "vision"));
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        lines.add("epoch " + i + (i % 100 == 7 ? " loss " + i : " ok"));
      }
      lines.add(SCRIPT + " LOSS spike");
      Fixtures.log(srv.paths, done.id(), lines);
      // a run with a 1,000,000-point metric: its chart is drawn from the server's buckets
      Run large = Fixtures.run("iris_million", 2, "local", "train.py", RunStatus.COMPLETED);
      srv.store.create(large);
      List<MetricPoint> million = new ArrayList<>(1_000_000);
      for (int i = 0; i < 1_000_000; i++) {
        million.add(
            new MetricPoint(
                "loss",
                i,
                Fixtures.T0.plusMillis(i),
                1.0 / (1 + i / 20_000.0) + (i % 89) / 890.0,
                null));
      }
      srv.store.appendMetrics(large.id(), million);
      String reader = ApiTokenText.generate();
      srv.store.tokens().add("reader", ApiTokenText.sha256(reader), Instant.now(), Role.READ);

      Snapshot snap = Fixtures.upload(srv.http, tmp.resolve("client"), project);
      String running = Fixtures.submit(srv.http, snap, "train.py");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> srv.http.get("/api/v1/runs/" + running + "/logs").body().contains("tick 1"));

      BrowserScript.run(
          "run-page.mjs",
          srv.http,
          srv.token,
          Map.of(
              "done",
              done.id(),
              "million",
              large.id(),
              "running",
              running,
              "note",
              "a note\n" + SCRIPT + "\n",
              "csv",
              List.of(
                  List.of("fold", "accuracy", "comment"), List.of("1", "0.91", "plain, quoted")),
              "json",
              "{\n  \"best\": {\n    \"reg\": 10,",
              "bigSize",
              big.length(),
              "reader",
              reader,
              "lossLines",
              List.of(
                  "epoch 7 loss 7",
                  "epoch 107 loss 107",
                  "epoch 207 loss 207",
                  SCRIPT + " LOSS spike"),
              "xss",
              SCRIPT));
      assertThat(srv.http.get("/api/v1/runs/" + running).json().get("status").asString())
          .isEqualTo("Canceled");
      assertThat(BrowserScript.SHOTS.resolve("run-previews.png")).isNotEmptyFile();
      assertThat(BrowserScript.SHOTS.resolve("run-million.png")).isNotEmptyFile();
      assertThat(srv.store.tags(done.id())).containsExactly(Map.entry("stage", SCRIPT));
      assertThat(srv.store.note(done.id()).orElseThrow().text()).isEqualTo("first line\n" + SCRIPT);
    }
  }
}
