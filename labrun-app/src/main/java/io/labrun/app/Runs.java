package io.labrun.app;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Operations on recorded runs, as the command line asks for them: {@link LocalRuns} on this
 * machine's history and targets, or the CLI's {@code ServerRuns} through a labrun server. The
 * command line picks one when it starts ({@code CliContext.runs()}); no command asks which. Runs
 * are shown as {@link io.labrun.core.history.RunView} shows them everywhere.
 */
public interface Runs {
  /** Everything recorded about a run ({@code RunView.info}: metrics as a list of summaries). */
  Map<String, Object> info(String runId);

  /** A run's state ({@code RunView.status}). */
  Map<String, Object> status(String runId);

  /** Cancels a run and waits for its end (up to {@code Cancellation.WAIT}). */
  Canceled cancel(String runId);

  /**
   * Deletes ended runs in turn, telling {@code deleted} each; the first that cannot be stops with
   * its message.
   */
  void delete(List<String> runIds, Consumer<String> deleted);

  /** Names an artifact of a run as an asset; returns the run's id. */
  String promote(String runId, String artifactPath, String name);

  /**
   * Writes the run's artifacts ({@code artifact}: one file or folder; null for all) into {@code
   * dir}, telling {@code written} each file.
   */
  void download(String runId, String artifact, Path dir, Consumer<Path> written);

  /** Writes the run's snapshot into {@code dir} (new or empty), each file with its mode. */
  Restored restore(String runId, Path dir);

  /** A restored snapshot: the run's id and how many files were written. */
  record Restored(String runId, int files) {}

  /**
   * How a cancel ended: the run's id and status, and whether it had not started or had already
   * ended.
   */
  record Canceled(String runId, String status, boolean beforeStart, boolean alreadyEnded) {}
}
