package io.labrun.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runs table's column chooser and grouping in real headless Chromium ({@code
 * src/test/browser/runs-table.mjs}): columns picked (attributes off, a param and a tag on) are
 * remembered across visits, a param column sorts, rows group by experiment and by sweep, and a tag
 * holding HTML shows as text.
 */
class RunsTableUiIT {
  static final String XSS = "<img src=x onerror=\"window.__xss=1\">vision";

  @TempDir Path tmp;

  /** The history the server reads (PostgresRunsTableUiIT: a new PostgreSQL schema). */
  String newStoreUrl() throws Exception {
    return TestDatabases.sqlite(tmp.resolve("db"));
  }

  @Test
  void columnChooserAndGroupingWorkInChromium() throws Exception {
    try (TestServer srv = new TestServer(tmp.resolve("home"), newStoreUrl())) {
      List<String> runs = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        String experiment = i < 6 ? "iris" : "mnist";
        String sweep = i < 4 ? "sweep_a" : null;
        Run r =
            Fixtures.placed(
                Fixtures.run("run_0" + i, i, "local", "train.py", RunStatus.COMPLETED),
                experiment,
                sweep);
        srv.store.create(r);
        srv.store.putParams(r.id(), Map.of("lr", "0.0" + (i + 1), "api_key", "sk-" + i));
        srv.store.putTags(r.id(), Map.of("team", i == 8 ? XSS : "team" + (i % 3)));
        srv.store.appendMetrics(
            r.id(), List.of(new MetricPoint("accuracy", 0, Fixtures.T0, 0.5 + i * 0.01, null)));
        runs.add(r.id());
      }
      List<String> newestFirst = new ArrayList<>(runs);
      Collections.reverse(newestFirst);
      BrowserScript.run(
          "runs-table.mjs",
          srv.http,
          srv.token,
          Map.of(
              "runs", newestFirst,
              "byLr", newestFirst,
              "xss", XSS,
              "groups", Map.of("iris", 6, "mnist", 3),
              "sweeps", Map.of("sweep_a", 4, "(not in a sweep)", 5)));
      for (String png : List.of("runs-columns.png", "runs-grouped.png")) {
        assertThat(BrowserScript.SHOTS.resolve(png)).isNotEmptyFile();
      }
    }
  }
}
