package io.labrun.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.snapshot.Snapshot;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI in real headless Chromium (Debian's, through playwright-core): runs the Node script
 * {@code src/test/browser/ui.mjs} against a server with recorded runs and one running run whose log
 * grows while the page is open. Fails, never skips, without node, Chromium or playwright-core
 * (scripts/test.sh installs them through scripts/test-env/chromium.sh). Screenshots land in {@code
 * target/screenshots/}.
 */
class BrowserUiIT {
  @TempDir Path tmp;

  @Test
  void runsTableRunPageLiveLogChartsAndCompareWorkInChromium() throws Exception {
    ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    try (TestServer srv =
        new TestServer(tmp.resolve("home"), TestDatabases.sqlite(tmp.resolve("db")))) {
      List<String> runs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Run r =
            Fixtures.run(
                "iris_0" + i,
                i,
                i % 2 == 0 ? "local" : "gpu",
                "train.py",
                i == 5 ? RunStatus.FAILED : RunStatus.COMPLETED);
        srv.store.create(r);
        srv.store.putParams(r.id(), Map.of("lr", "0.0" + (i + 1), "solver", "lbfgs"));
        Fixtures.points(srv.store, r.id(), "accuracy", 20, 0.85 + i * 0.02);
        Fixtures.points(srv.store, r.id(), "loss", 2000 + 1000 * i, 1.0 - i * 0.1);
        srv.store.appendMetrics(
            r.id(), List.of(new MetricPoint("f1", 0, Fixtures.T0, 0.5 + i * 0.05, null)));
        runs.add(r.id());
      }
      Path project = Files.createDirectories(tmp.resolve("iris"));
      Files.writeString(project.resolve("train.py"), "import sys\nprint('training', sys.argv)\n");
      Files.writeString(
          Files.createDirectories(project.resolve("aml_config")).resolve("local.runconfig"),
          "Target: local\nEnvironmentVariables:\n  DB_PASSWORD: ui-secret-456\n  MODE: fast\n");
      Snapshot snap = Fixtures.snapshot(srv.objects, tmp.resolve("cache"), project);
      Run charted =
          Fixtures.run("iris_charts", 10, "local", "train.py", RunStatus.RUNNING)
              .withSnapshot(snap.id())
              .withAttribute(Run.SUBMITTED_BY, "alice-laptop");
      srv.store.create(charted);
      srv.store.putParams(charted.id(), Map.of("api_key", "sk-live-123", "lr", "0.5"));
      Path outputs = Files.createDirectories(tmp.resolve("outputs"));
      Files.writeString(outputs.resolve("model.pkl"), "MODEL");
      BufferedImage roc = new BufferedImage(240, 160, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = roc.createGraphics();
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, 240, 160);
      g.setColor(Color.BLUE);
      g.drawLine(0, 159, 239, 0);
      g.dispose();
      ImageIO.write(roc, "png", outputs.resolve("roc.png").toFile());
      Files.writeString(
          outputs.resolve("confusion.svg"),
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"80\"><rect width=\"60\""
              + " height=\"40\" fill=\"#1e40af\"/><rect x=\"60\" y=\"40\" width=\"60\""
              + " height=\"40\" fill=\"#93c5fd\"/></svg>");
      StringBuilder metrics = new StringBuilder();
      for (int i = 0; i < 5000; i++) {
        metrics
            .append("m\t")
            .append(1_772_360_000_000L + i * 10)
            .append('\t')
            .append(i)
            .append("\tloss\t")
            .append(Math.exp(-i / 800.0) + 0.05 * Math.sin(i / 20.0))
            .append('\n');
      }
      metrics.append("m\t1772360100000\t0\tAccuracy\t0.93\n");
      metrics.append("m\t1772360100000\t0\tPrecision\t[0.5, 0.75, 0.8]\n");
      Fixtures.finish(srv.store, srv.objects, srv.paths, charted, outputs, metrics.toString());
      runs.add(charted.id());

      Run live = Fixtures.run("iris_live", 20, "local", "train.py", RunStatus.RUNNING);
      srv.store.create(live);
      runs.add(live.id());
      Path log = Fixtures.log(srv.paths, live.id(), List.of("starting", "epoch 1"));
      AtomicInteger tick = new AtomicInteger();
      writer.scheduleAtFixedRate(
          () -> {
            try {
              Files.writeString(
                  log,
                  System.currentTimeMillis() + "\to\ttick " + tick.getAndIncrement() + "\n",
                  StandardCharsets.UTF_8,
                  StandardOpenOption.APPEND);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          },
          0,
          100,
          TimeUnit.MILLISECONDS);

      BrowserScript.run(
          "ui.mjs",
          srv.http,
          srv.token,
          Map.<String, Object>ofEntries(
              Map.entry("runs", runs),
              Map.entry("accurate", List.of("iris_07", "iris_06", "iris_05", "iris_04", "iris_03")),
              Map.entry("ordered", List.of("iris_03", "iris_04")),
              Map.entry("running", live.id()),
              Map.entry("charted", charted.id()),
              Map.entry("metrics", List.of("Precision", "loss")),
              Map.entry("values", Map.of("Accuracy", "0.93")),
              Map.entry("images", List.of("outputs/confusion.svg", "outputs/roc.png")),
              Map.entry(
                  "compare",
                  List.of("iris_01", "iris_02", "iris_03", "iris_04", "iris_05", "iris_06")),
              Map.entry(
                  "labels",
                  List.of(
                      "s_01 lr=0.02",
                      "s_02 lr=0.03",
                      "s_03 lr=0.04",
                      "s_04 lr=0.05",
                      "s_05 lr=0.06",
                      "s_06 lr=0.07")),
              Map.entry("secret", "sk-live-123"),
              Map.entry("configSecret", "ui-secret-456"),
              Map.entry("submitter", "alice-laptop")));
      for (String png :
          List.of(
              "runs.png", "runs-filtered.png", "run-live.png", "run-charts.png", "compare.png")) {
        assertThat(BrowserScript.SHOTS.resolve(png)).isNotEmptyFile();
      }
    } finally {
      writer.shutdownNow();
    }
  }
}
