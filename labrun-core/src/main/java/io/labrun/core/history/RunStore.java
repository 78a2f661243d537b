package io.labrun.core.history;

import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Port: run history. Implementations must be safe for several labrun processes at once (the
 * embedded SQLite store) and several threads (the server). Status changes go through {@link
 * #update(Run, RunStatus)}, a compare-and-set on the status, so two processes finishing the same
 * run cannot both win.
 */
public interface RunStore extends AutoCloseable {
  void create(Run run);

  Optional<Run> find(String runId);

  /**
   * Replaces the run's record if its stored status is still {@code expected}; returns false (and
   * changes nothing) if another process moved it first.
   */
  boolean update(Run run, RunStatus expected);

  /** A page of runs, newest first. */
  List<Run> list(RunQuery query);

  /** Runs not yet in a final state, oldest first: the ones a reconcile pass looks at. */
  List<Run> unfinished();

  void delete(String runId);

  void appendMetrics(String runId, List<MetricPoint> points);

  /** Every point of one metric, in step order. */
  List<MetricPoint> metric(String runId, String name);

  /** The last point of each metric of a run, by metric name. */
  Map<String, MetricSummary> metricSummaries(String runId);

  void putParams(String runId, Map<String, String> params);

  Map<String, String> params(String runId);

  void putTags(String runId, Map<String, String> tags);

  Map<String, String> tags(String runId);

  /** Removes the named tags of a run; a name the run has no tag by is no error. */
  void removeTags(String runId, Set<String> names);

  /** The run's note, if it has one. */
  Optional<Note> note(String runId);

  /** Sets the run's note, or removes it when {@code note.text()} is empty. */
  void putNote(String runId, Note note);

  void addArtifacts(String runId, List<Artifact> artifacts);

  List<Artifact> artifacts(String runId);

  /**
   * The objects runs refer to directly: every run's snapshot (its manifest's id) and artifacts, the
   * latter with the output logs a team server kept ({@link io.labrun.core.run.Run#OUTPUT_LOG}).
   */
  ObjectsInUse objectsInUse();

  /** What {@link #objectsInUse()} found; a snapshot's files are named by its manifest. */
  record ObjectsInUse(Set<String> snapshots, Set<String> artifacts) {}

  /** Names an artifact of a run as an asset (the original's {@code history promote}). */
  void promote(String runId, String artifactPath, String assetName);

  /** Asset name to "runId:path". */
  Map<String, String> assets();

  /** The assets promoted from one run: asset name to the artifact's path, by name. */
  default Map<String, String> assetsOf(String runId) {
    Map<String, String> out = new TreeMap<>();
    String prefix = runId + ":";
    assets()
        .forEach(
            (name, where) -> {
              if (where.startsWith(prefix)) {
                out.put(name, where.substring(prefix.length()));
              }
            });
    return out;
  }

  @Override
  void close();

  /** A note on a run: its text, who wrote it last (a user or token name; may be null) and when. */
  record Note(String text, String by, Instant at) {}

  /** Count, last value and range of one metric of a run. */
  record MetricSummary(String name, long count, MetricPoint last, Double min, Double max) {}
}
