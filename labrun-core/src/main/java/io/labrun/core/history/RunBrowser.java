package io.labrun.core.history;

import io.labrun.core.run.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Port: run history as a person browses it (the server's web UI and API): a sortable, filterable
 * runs table that pages fast at any depth, metrics downsampled for charts, and the experiments.
 */
public interface RunBrowser {
  RunPage page(RunTableQuery query);

  /**
   * The metric {@code name} of a run in at most {@code maxPoints} points (buckets when there are
   * more).
   */
  MetricSeries series(String runId, String name, int maxPoints);

  /**
   * The metric {@code name} of each of {@code runIds} as {@link #series(String, String, int)} gives
   * it, by run id in the order asked; runs without the metric are left out. One read for all the
   * runs, not one per run (compare overlays the runs' series).
   */
  Map<String, MetricSeries> series(List<String> runIds, String name, int maxPoints);

  List<Experiment> experiments();

  /**
   * Every sweep (runs that share a sweep id), newest first, with how many of its runs are in each
   * state.
   */
  List<SweepSummary> sweeps();

  /** An experiment (a project's name) and its runs. */
  record Experiment(String name, long runs, Instant lastRun) {}

  /**
   * A sweep as the history knows it: its runs by state, when its first and last runs were created.
   */
  record SweepSummary(
      String id,
      String experiment,
      Map<RunStatus, Long> statuses,
      Instant firstRun,
      Instant lastRun) {
    public long runs() {
      return statuses.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
