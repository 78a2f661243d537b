package io.labrun.store;

import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs and metric points for store tests. */
final class TestRuns {
  static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  private TestRuns() {}

  /** A queued run with the ordinary fields set, created {@code minutes} after {@link #T0}. */
  static Run queued(String id, long minutes) {
    return new Run(
        id,
        "iris",
        "docker",
        "docker",
        "docker",
        "train.py",
        List.of("0.5"),
        Map.of("K", "v"),
        "alice",
        "laptop",
        "abc123",
        false,
        "snap1",
        T0.plusSeconds(60 * minutes),
        null,
        null,
        RunStatus.QUEUED,
        null,
        null,
        null,
        1,
        Map.of());
  }

  static Run with(
      Run r,
      String experiment,
      String runConfiguration,
      String target,
      String script,
      String sweepId) {
    return new Run(
        r.id(),
        experiment,
        runConfiguration,
        target,
        r.targetType(),
        script,
        r.arguments(),
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
        sweepId,
        r.attempt(),
        r.attributes());
  }

  static Run created(Run r, Instant created) {
    return new Run(
        r.id(),
        r.experiment(),
        r.runConfiguration(),
        r.target(),
        r.targetType(),
        r.script(),
        r.arguments(),
        r.environment(),
        r.user(),
        r.host(),
        r.gitCommit(),
        r.gitDirty(),
        r.snapshotId(),
        created,
        r.started(),
        r.ended(),
        r.status(),
        r.exitCode(),
        r.statusDetail(),
        r.sweepId(),
        r.attempt(),
        r.attributes());
  }

  /** Moves a queued run through Running to {@code end}. */
  static Run finished(Run r, RunStatus end) {
    Instant t = r.created().plusSeconds(5);
    return r.withStatus(RunStatus.RUNNING, t)
        .withStatus(end, t.plusSeconds(30))
        .withExit(end == RunStatus.COMPLETED ? 0 : 1, null);
  }

  static MetricPoint point(String name, long step, double value) {
    return new MetricPoint(name, step, T0.plusMillis(step), value, null);
  }

  static List<MetricPoint> series(String name, int n) {
    List<MetricPoint> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(point(name, i, i * 0.5));
    }
    return out;
  }
}
