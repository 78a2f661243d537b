package io.labrun.store;

import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one labrun process does to the history during a run, as a program of its own for {@link
 * SqliteMultiProcessIT}: create the run, start it, log metrics in several flushes, finish it.
 * Arguments: JDBC URL, run id, number of points. Exit code 0 when every step succeeded.
 */
public final class HistoryWriterMain {
  private HistoryWriterMain() {}

  public static void main(String[] args) {
    String url = args[0];
    String id = args[1];
    int points = Integer.parseInt(args[2]);
    try (SqlRunStore store = SqlRunStore.open(url)) {
      Run run = TestRuns.queued(id, 0);
      store.create(run);
      Run running = run.withStatus(RunStatus.RUNNING, Instant.now());
      check(store.update(running, RunStatus.QUEUED), "start");
      int flush = Math.max(1, points / 10);
      for (int from = 0; from < points; from += flush) {
        List<MetricPoint> batch = new ArrayList<>();
        for (int i = from; i < Math.min(points, from + flush); i++) {
          batch.add(new MetricPoint("loss", i, Instant.now(), 1.0 / (i + 1), null));
        }
        store.appendMetrics(id, batch);
      }
      store.putParams(id, Map.of("pid", Long.toString(ProcessHandle.current().pid())));
      check(
          store.update(running.withStatus(RunStatus.COMPLETED, Instant.now()), RunStatus.RUNNING),
          "finish");
    } catch (RuntimeException e) {
      System.err.println(id + ": " + e);
      System.exit(1);
    }
  }

  private static void check(boolean won, String what) {
    if (!won) {
      throw new IllegalStateException("could not " + what + ": the status changed under us");
    }
  }
}
