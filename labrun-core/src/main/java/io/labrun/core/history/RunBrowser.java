package io.labrun.core.history;

import java.time.Instant;
import java.util.List;

/**
 * Port: run history as a person browses it (the server's web UI and API): a sortable, filterable
 * runs table that pages fast at any depth, metrics downsampled for charts, and the experiments.
 */
public interface RunBrowser {
  RunPage page(RunTableQuery query);

  /** The metric {@code name} of a run in at most {@code maxPoints} points (buckets when there are more). */
  MetricSeries series(String runId, String name, int maxPoints);

  List<Experiment> experiments();

  /** An experiment (a project's name) and its runs. */
  record Experiment(String name, long runs, Instant lastRun) {}
}
