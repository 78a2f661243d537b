package io.labrun.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.history.RunView;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.sweep.Sweep;
import io.labrun.core.sweep.SweepDriver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The durations and sweep lines labrun prints, written without String.format, read as with it. */
class RunLinesTest {
  @Test
  void durationsReadAsTheirFormatStrings() {
    for (long ms = 0; ms < 4 * 3600_000L; ms += ms < 120_000 ? 1 : 997) {
      String expected;
      if (ms < 60_000) {
        expected = String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
      } else {
        long s = ms / 1000;
        expected =
            s < 3600
                ? String.format("%dm%02ds", s / 60, s % 60)
                : String.format("%dh%02dm%02ds", s / 3600, (s % 3600) / 60, s % 60);
      }
      assertThat(RunView.duration(Duration.ofMillis(ms))).as("%d ms", ms).isEqualTo(expected);
    }
    assertThat(RunView.duration(null)).isNull();
  }

  @Test
  void aSweepLineIsAlignedAsBefore() {
    Instant t0 = Instant.parse("2026-11-27T00:00:00Z");
    SweepView view = new SweepView(new PrintWriter(new StringWriter()), false, 200, List::of);
    Run running =
        new Run(
                "p_20261127T000000000_abcdef",
                "p",
                "local",
                "local",
                "local",
                "train.py",
                List.of(),
                Map.of(),
                "me",
                "host",
                null,
                null,
                null,
                t0,
                null,
                null,
                RunStatus.QUEUED,
                null,
                null,
                "sweep1",
                1,
                Map.of())
            .withStatus(RunStatus.RUNNING, t0.plusMillis(250));
    var point = new Sweep.Point(6, running.id(), Map.of("reg", "10"));

    assertThat(
            view.line(
                new SweepDriver.PointView(point, running, "accuracy=0.9"), t0.plusMillis(1750)))
        .isEqualTo(
            String.format(
                "[%3d/%s] %-9s %7s  %s%s%s%s  %s",
                7, "200", "Running", "1.5s", "reg=10", "  accuracy=0.9", "", "", running.id()));
    Run failed =
        running.withExit(3, "exit code 3").withStatus(RunStatus.FAILED, t0.plusSeconds(75));
    assertThat(
            view.line(
                new SweepDriver.PointView(
                    new Sweep.Point(123, failed.id(), Map.of()), failed, null),
                t0.plusSeconds(80)))
        .isEqualTo(
            String.format(
                "[%3d/%s] %-9s %7s  %s%s%s%s  %s",
                124, "200", "Failed", "1m14s", "", "", "", "  (exit code 3)", failed.id()));
  }
}
