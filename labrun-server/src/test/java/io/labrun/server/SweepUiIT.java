package io.labrun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep pages in real headless Chromium ({@code src/test/browser/sweep.mjs}) on a sweep of 200
 * runs (params reg, seed and solver; metrics accuracy and loss), one of them running until the page
 * shows it, then ending: the list's counts and best run, the parallel coordinates (one line per
 * run, brushing a range of the primary metric keeps exactly the runs in it), the scatter, the
 * points best first, and the page following the running run to its end.
 */
class SweepUiIT {
  private static final String SWEEP = "iris-sweep_20261201T100000000_c0ffee";

  @TempDir Path tmp;

  @Test
  void sweepsListAndASweepsPageWorkInChromium() throws Exception {
    try (TestServer srv =
        new TestServer(tmp.resolve("home"), TestDatabases.sqlite(tmp.resolve("db")))) {
      double[] reg = {0.01, 0.1, 1, 10, 100};
      Map<String, Double> accuracy = new LinkedHashMap<>();
      Run running = null;
      for (int i = 0; i < 200; i++) {
        String solver = i % 2 == 0 ? "lbfgs" : "saga";
        double r = reg[i / 2 % 5];
        int seed = i / 10;
        RunStatus status =
            i == 198 ? RunStatus.FAILED : i == 199 ? RunStatus.RUNNING : RunStatus.COMPLETED;
        Run run = Fixtures.run(String.format("iris_%03d", i), i, "local", "train.py", status);
        run = Fixtures.placed(run, run.experiment(), SWEEP);
        srv.store.create(run);
        srv.store.putParams(
            run.id(),
            Map.of("reg", Double.toString(r), "solver", solver, "seed", Integer.toString(seed)));
        double acc =
            Math.round(
                    (0.6
                            + 0.05 * (Math.log10(r) + 2)
                            + (solver.equals("saga") ? 0.02 : 0)
                            + seed * 0.001)
                        * 10_000)
                / 10_000.0;
        srv.store.appendMetrics(
            run.id(),
            List.of(
                new MetricPoint("accuracy", 0, Fixtures.T0, acc, null),
                new MetricPoint("loss", 0, Fixtures.T0, 1 - acc, null)));
        accuracy.put(run.id(), acc);
        if (status == RunStatus.RUNNING) {
          running = run;
        }
      }
      Files.createDirectories(srv.paths.dataDir().resolve("sweeps"));
      Files.writeString(
          srv.paths.dataDir().resolve("sweeps").resolve(SWEEP + ".json"),
          "{\"id\": \""
              + SWEEP
              + "\", \"project_root\": \"/tmp/iris\", \"run_configuration\": \"local\", \"script\":"
              + " \"train.py\", \"extra_arguments\": [], \"style\": \"NAMED\", \"parallel\": 4,"
              + " \"timeout\": null, \"retries\": 0, \"stop_when\": null, \"primary_metric\":"
              + " \"accuracy\", \"goal\": \"MAX\", \"points\": []}");
      String best =
          accuracy.entrySet().stream()
              .max(
                  Map.Entry.<String, Double>comparingByValue()
                      .thenComparing(Map.Entry.comparingByKey()))
              .orElseThrow()
              .getKey();

      // The page says when it shows the running run; then it ends, and the page must follow.
      Path seen = BrowserScript.SHOTS.resolve("sweep-running-seen");
      Files.deleteIfExists(seen);
      Run toEnd = running;
      CompletableFuture<Void> ender =
          CompletableFuture.runAsync(
              () -> {
                await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(seen));
                srv.store.update(
                    toEnd
                        .withStatus(RunStatus.COMPLETED, toEnd.created().plusSeconds(600))
                        .withExit(0, null),
                    RunStatus.RUNNING);
              });
      List<Object> accuracies = new ArrayList<>(accuracy.values());
      BrowserScript.run(
          "sweep.mjs",
          srv.http,
          srv.token,
          Map.of(
              "sweep",
              SWEEP,
              "best",
              best,
              "bestValue",
              accuracy.get(best),
              "running",
              running.id(),
              "runs",
              new ArrayList<>(accuracy.keySet()),
              "accuracy",
              accuracies,
              "signal",
              seen.toString()));
      ender.get();
      for (String png : List.of("sweeps.png", "sweep.png", "sweep-brushed.png")) {
        assertThat(BrowserScript.SHOTS.resolve(png)).isNotEmptyFile();
      }
    }
  }
}
