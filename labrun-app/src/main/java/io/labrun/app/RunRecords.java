package io.labrun.app;

import io.labrun.core.error.LabrunException;
import io.labrun.core.history.Artifact;
import io.labrun.core.history.MetricSeries;
import io.labrun.core.history.RunBrowser.Experiment;
import io.labrun.core.history.RunView;
import io.labrun.core.run.Redaction;
import io.labrun.core.snapshot.Snapshot;
import java.util.List;
import java.util.Map;

/**
 * The parts of a recorded run as the web UI reads them one by one (params, tags, metrics, a
 * metric's chart, artifacts, the snapshot), and the experiments. Each run is found as {@link
 * LocalRuns#find} finds it, and shown as every view shows it ({@link Redaction}, {@link RunView}).
 */
public final class RunRecords {
  private final LocalRuns runs;
  private final LocalRuns.Parts parts;

  public RunRecords(LocalRuns runs, LocalRuns.Parts parts) {
    this.runs = runs;
    this.parts = parts;
  }

  /** The run's params, secret-looking ones as ***. */
  public Map<String, String> params(String runId) {
    return Redaction.named(parts.store().params(runs.find(runId).id()));
  }

  /** The run's tags, secret-looking ones as ***. */
  public Map<String, String> tags(String runId) {
    return Redaction.named(parts.store().tags(runs.find(runId).id()));
  }

  /** The run's metric summaries ({@link RunView#metrics}). */
  public List<Map<String, Object>> metrics(String runId) {
    return RunView.metrics(parts.store().metricSummaries(runs.find(runId).id()));
  }

  /** The run's metric {@code name} in at most {@code maxPoints} points. */
  public MetricSeries series(String runId, String name, int maxPoints) {
    return parts.browser().series(runs.find(runId).id(), name, maxPoints);
  }

  /** The run's artifacts. */
  public List<Artifact> artifacts(String runId) {
    return parts.store().artifacts(runs.find(runId).id());
  }

  /** The run's artifact at {@code path} (its name inside the run), or not found. */
  public Artifact artifact(String runId, String path) {
    String id = runs.find(runId).id();
    return parts.store().artifacts(id).stream()
        .filter(a -> a.path().equals(path))
        .findFirst()
        .orElseThrow(() -> LabrunException.notFound("run " + id + " has no artifact " + path));
  }

  /** The run's snapshot, or not found. */
  public Snapshot snapshot(String runId) {
    var run = runs.find(runId);
    if (run.snapshotId() == null) {
      throw LabrunException.notFound("run " + run.id() + " has no snapshot");
    }
    return Snapshot.load(parts.objects(), run.snapshotId());
  }

  /** The experiments of the history, the latest run's first. */
  public List<Experiment> experiments() {
    return parts.browser().experiments();
  }
}
