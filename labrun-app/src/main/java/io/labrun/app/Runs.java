package io.labrun.app;

import io.labrun.core.history.RunComparison;
import io.labrun.core.history.RunEdit;
import io.labrun.core.plan.SubmitRequest;
import io.labrun.core.retry.RetryPolicy;
import io.labrun.core.retry.RunAttempts;
import io.labrun.core.run.RunEvents;
import io.labrun.core.run.RunQuery;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Operations on recorded runs, as the command line asks for them: {@link LocalRuns} on this
 * machine's history and targets, or {@link io.labrun.app.remote.ServerRuns} through a labrun
 * server. The command line picks one when it starts ({@code CliContext.runs()}); no command asks
 * which. Runs are shown as {@link io.labrun.core.history.RunView} shows them everywhere.
 */
public interface Runs {
  /**
   * Submits a tracked run. Detached, it returns once the run is started (here) or queued (on a
   * server); otherwise {@code watch} is told each attempt and shown the run's output until it ends.
   * Returns the run's id (of its last attempt).
   */
  String submit(Submission submission, SubmitWatch watch);

  /**
   * Shows the run's output so far to {@code events}; with {@code follow}, until the run ends, and
   * then how it ended (empty when not followed: not asked, or it had ended already here).
   */
  Optional<Ended> logs(String runId, boolean follow, RunEvents events);

  /**
   * The runs {@code query} selects, newest first, each as {@code RunView.row} shows it ({@code
   * filter}: the query's run filter as the user wrote it, for a server to parse).
   */
  List<Map<String, Object>> list(RunQuery query, String filter);

  /**
   * One page of the runs table a person browses (the web UI's): the runs the query selects, in its
   * order, with the metrics, params and tags it asks for.
   */
  RunsPage page(RunsPage.Query query);

  /** The most runs one {@link #list} answers with (a server's pages are smaller). */
  int largestPage();

  /** Everything recorded about a run ({@code RunView.info}: metrics as a list of summaries). */
  Map<String, Object> info(String runId);

  /**
   * The runs named (each once, in that order) side by side, field by field ({@code RunComparison}):
   * every field, or only those in which the runs differ. As {@code GET /api/v1/compare} answers
   * ({@code Compared.view}).
   */
  RunComparison.Compared compare(List<String> runIds, boolean onlyDifferences);

  /** A run's state ({@code RunView.status}). */
  Map<String, Object> status(String runId);

  /**
   * Cancels a run: one not started ends Canceled at once; a running one is stopped (TERM, then KILL
   * after its target's grace) and its end waited for, up to {@code Cancellation.WAIT}, then
   * reported; one that has not stopped by then fails in one line ({@code TARGET_UNAVAILABLE}).
   */
  Canceled cancel(String runId);

  /**
   * Cancels a sweep: marks it canceled (whoever drives it starts and retries nothing more), ends
   * its runs not started and stops those going, waiting for their ends as {@link #cancel} does.
   */
  SweepCanceled cancelSweep(String sweepId);

  /**
   * Deletes ended runs in turn, telling {@code deleted} each; the first that cannot be stops with
   * its message.
   */
  void delete(List<String> runIds, Consumer<String> deleted);

  /**
   * Sets or removes tags of a run and sets its note ({@code history tag}, {@code history note});
   * returns the run as {@link #info} shows it.
   */
  Map<String, Object> edit(String runId, RunEdit edit);

  /** Names an artifact of a run as an asset; returns the run's id. */
  String promote(String runId, String artifactPath, String name);

  /**
   * Writes the run's artifacts ({@code artifact}: one file or folder; null for all) into {@code
   * dir}, telling {@code written} each file.
   */
  void download(String runId, String artifact, Path dir, Consumer<Path> written);

  /** Writes the run's snapshot into {@code dir} (new or empty), each file with its mode. */
  Restored restore(String runId, Path dir);

  /**
   * What to submit: the request ({@code submit}'s options, the script relative to the project), how
   * often a run killed from outside is tried again, and whether to return at once.
   */
  record Submission(SubmitRequest request, RetryPolicy policy, boolean detach) {}

  /**
   * How a submit is watched: {@link RunAttempts.Watch} for a run on this machine's targets, and
   * what a run queued on a server needs too.
   */
  interface SubmitWatch extends RunAttempts.Watch {
    /** The run was queued elsewhere ({@code where}: on which server, what was uploaded). */
    void queued(String runId, String where);

    /** While the run's output is followed: stopping the command stops the watching, not the run. */
    Watching watching(String runId);
  }

  /** The span of {@link SubmitWatch#watching}. */
  interface Watching extends AutoCloseable {
    @Override
    void close();
  }

  /** How a followed run ended: its status, and why when known ({@code statusDetail}, or null). */
  record Ended(String runId, String status, String statusDetail) {
    public boolean completed() {
      return "Completed".equals(status);
    }
  }

  /** A restored snapshot: the run's id and how many files were written. */
  record Restored(String runId, int files) {}

  /** How a sweep's cancel went: how many of its runs were stopped, had not started, had ended. */
  record SweepCanceled(String sweepId, int stopped, int notStarted, int ended) {}

  /**
   * How a cancel ended: the run's id and status, and whether it had not started or had already
   * ended.
   */
  record Canceled(String runId, String status, boolean beforeStart, boolean alreadyEnded) {}
}
