package io.labrun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.core.project.Project;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.format.ProjectTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Metrics of a running run, live: a real script submitted through the server logs a metric in a
 * loop on the real local target. Over the metric stream, a follower that reconnects with {@code
 * Last-Event-ID} gets every point once; in real headless Chromium ({@code
 * src/test/browser/live.mjs}) the run page's chart grows, new log lines arrive, the runs table and
 * the page see the run end, and the chart is then drawn from history.
 */
class LiveMetricsIT {
  @TempDir Path tmp;
  Path project;
  Path gates;

  @BeforeEach
  void project() throws Exception {
    project = Files.createDirectories(tmp.resolve("client/iris"));
    gates = Files.createDirectories(tmp.resolve("gates"));
    ProjectTemplate.create(new Project(project));
    Files.writeString(
        project.resolve("train.py"),
        """
        import os, sys, time
        import labrun
        started, stop = sys.argv[1], sys.argv[2]
        i = 0
        while not os.path.exists(stop):
            labrun.log_metric("loss", 1.0 / (i + 1))
            print("step", i, flush=True)
            if i == 0:
                open(started, "w").close()
            i += 1
            time.sleep(0.05)
        print("done", flush=True)
        """);
  }

  private TestServer server() {
    return TestServer.withLocalPipeline(
        tmp.resolve("server"), TestDatabases.sqlite(tmp.resolve("db")), ServerConfig.defaults());
  }

  private String start(TestServer srv, String name) throws Exception {
    Snapshot snap = Fixtures.upload(srv.http, tmp.resolve("client"), project);
    String run =
        Fixtures.submit(
            srv.http,
            snap,
            "train.py",
            gates.resolve(name + ".started").toString(),
            gates.resolve(name + ".stop").toString());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(gates.resolve(name + ".started")));
    return run;
  }

  @Test
  void aMetricFollowerThatReconnectsGetsEveryPointOnceThenTheEnd() throws Exception {
    try (TestServer srv = server()) {
      String run = start(srv, "sse");
      List<Long> steps = new ArrayList<>();
      String lastId;
      try (SseReader first =
          new SseReader(srv.http, "/api/v1/runs/" + run + "/metric-events", null)) {
        assertThat(first.status()).isEqualTo(200);
        lastId = readMetrics(first, steps, 3);
      }
      assertThat(lastId).matches("metrics-\\d+(-\\d+)?\\.log:\\d+");
      try (SseReader again =
          new SseReader(srv.http, "/api/v1/runs/" + run + "/metric-events", lastId)) {
        readMetrics(again, steps, 2);
        Files.createFile(gates.resolve("sse.stop"));
        SseReader.Event e;
        while ((e = again.next(60)).event().equals("metrics")) {
          addSteps(e, steps);
        }
        assertThat(e.event()).isEqualTo("end");
        assertThat(Http.JSON.readTree(e.data()).get("status").asString()).isEqualTo("Completed");
      }
      JsonNode loss = srv.http.get("/api/v1/runs/" + run + "/metrics").json().get("metrics").get(0);
      assertThat(loss.get("name").asString()).isEqualTo("loss");
      List<Long> expected = new ArrayList<>();
      for (long i = 0; i < loss.get("count").asLong(); i++) {
        expected.add(i);
      }
      assertThat(steps).as("every point once, in order").isEqualTo(expected);
      assertThat(srv.http.get("/api/v1/runs/" + run + "/metric-events").status()).isEqualTo(406);
      assertThat(
              srv.http
                  .send(
                      srv.http
                          .request("/api/v1/runs/nope/metric-events")
                          .header("Accept", "text/event-stream")
                          .GET()
                          .build())
                  .status())
          .isEqualTo(404);
    }
  }

  /** Reads at least {@code events} metrics events; returns the last id seen. */
  private static String readMetrics(SseReader sse, List<Long> steps, int events)
      throws InterruptedException {
    String id = null;
    for (int n = 0; n < events; ) {
      SseReader.Event e = sse.next(60);
      assertThat(e.event()).isEqualTo("metrics");
      addSteps(e, steps);
      if (e.id() != null) {
        id = e.id();
        n++;
      }
    }
    return id;
  }

  private static void addSteps(SseReader.Event e, List<Long> steps) {
    for (JsonNode p : Http.JSON.readTree(e.data()).get("points").get("loss")) {
      steps.add(p.get(0).asLong());
      assertThat(p.get(2).asDouble()).isEqualTo(1.0 / (p.get(0).asLong() + 1));
    }
  }

  @Test
  void theRunPageChartGrowsWhileTheRunGoesOnInChromium() throws Exception {
    try (TestServer srv = server()) {
      String run = start(srv, "ui");
      BrowserScript.run(
          "live.mjs",
          srv.http,
          srv.token,
          Map.of("running", run, "stop", gates.resolve("ui.stop").toString(), "metric", "loss"));
      assertThat(srv.http.get("/api/v1/runs/" + run).json().get("status").asString())
          .isEqualTo("Completed");
      for (String png : List.of("live-runs.png", "live-chart.png", "live-ended.png")) {
        assertThat(BrowserScript.SHOTS.resolve(png)).isNotEmptyFile();
      }
    }
  }
}
