package io.labrun.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compare beyond 50 runs in real headless Chromium ({@code src/test/browser/compare.mjs}): the 60
 * runs a filter finds, compared from the runs table's "Compare all matching"; "only what differs"
 * leaves out the params all runs share; a metric overlaid by step and by seconds since each run
 * started, and one logged once per run as bars.
 */
class CompareUiIT {
  static final int RUNS = 60;

  @TempDir Path tmp;

  /** The history the server reads (PostgresCompareUiIT: a new PostgreSQL schema). */
  String newStoreUrl() throws Exception {
    return TestDatabases.sqlite(tmp.resolve("db"));
  }

  @Test
  void compareOfSixtyRunsWorksInChromium() throws Exception {
    try (TestServer srv = new TestServer(tmp.resolve("home"), newStoreUrl())) {
      List<String> runs = new ArrayList<>();
      for (int i = 0; i < RUNS + 5; i++) {
        Run r =
            Fixtures.run(String.format("cmp_%03d", i), i, "local", "train.py", RunStatus.COMPLETED);
        srv.store.create(r);
        srv.store.putParams(
            r.id(), Map.of("lr", "0.0" + (i % 9 + 1), "solver", i < RUNS ? "lbfgs" : "saga"));
        Fixtures.points(srv.store, r.id(), "loss", 30, 1.0 + i * 0.01);
        srv.store.appendMetrics(
            r.id(), List.of(new MetricPoint("f1", 0, Fixtures.T0, 0.5 + i * 0.001, null)));
        if (i < RUNS) {
          runs.add(r.id());
        }
      }
      BrowserScript.run(
          "compare.mjs",
          srv.http,
          srv.token,
          Map.of(
              "filter",
              "params.solver = \"lbfgs\"",
              "runs",
              runs,
              "differs",
              "params.lr",
              "same",
              "params.solver"));
      for (String png : List.of("compare-many.png", "compare-differs.png")) {
        assertThat(BrowserScript.SHOTS.resolve(png)).isNotEmptyFile();
      }
    }
  }
}
