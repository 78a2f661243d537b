package io.labrun.store;

import io.labrun.core.sweep.ArgumentStyle;
import io.labrun.core.sweep.Goal;
import io.labrun.core.sweep.Sweep;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Sweeps for the store's tests: one point per first run, {@code lr} 0.1, 0.2, ... */
final class TestSweeps {
  private TestSweeps() {}

  static Sweep sweep(String id, String metric, Goal goal, String... firstRuns) {
    List<Sweep.Point> points = new ArrayList<>();
    for (String run : firstRuns) {
      points.add(
          new Sweep.Point(
              points.size(), run, Map.of("lr", "0." + (points.size() + 1), "solver", "sgd")));
    }
    return new Sweep(
        id,
        Path.of("/home/ana/iris"),
        "local",
        "train.py",
        List.of("--epochs", "3"),
        ArgumentStyle.NAMED,
        2,
        Duration.ofMinutes(30),
        1,
        null,
        metric,
        goal,
        points);
  }
}
