package io.labrun.core.sweep;

import io.labrun.core.history.RunStore;
import io.labrun.core.launch.Submitter;
import io.labrun.core.plan.SubmitRequest;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runs of a sweep as the history has them, grouped by point: a first attempt and its retries.
 */
public final class SweepRuns {
  private static final int ALL = 1_000_000;

  private SweepRuns() {}

  /** Every run recorded with this sweep id, oldest first. */
  public static List<Run> all(RunStore store, String sweepId) {
    List<Run> runs =
        new ArrayList<>(store.list(RunQuery.all().withSweepId(sweepId).withLimit(ALL)));
    runs.sort(Comparator.comparing(Run::created).thenComparing(Run::id));
    return runs;
  }

  /** The id of the first attempt of the run's point. */
  public static String firstId(Run run) {
    return run.attributes().getOrDefault(SubmitRequest.RETRY_OF, run.id());
  }

  /** By first attempt id, in the order the first attempts were recorded: the latest attempt. */
  public static Map<String, Run> latestAttempts(List<Run> runs) {
    Map<String, Run> latest = new LinkedHashMap<>();
    for (Run r : runs) {
      latest.merge(firstId(r), r, (a, b) -> b.attempt() > a.attempt() ? b : a);
    }
    return latest;
  }

  /**
   * Records {@code pid} as the process that will start the sweep's Queued runs, so that a labrun
   * command reconciling them meanwhile does not take them for lost.
   */
  public static void claimQueued(RunStore store, String sweepId, long pid, String host) {
    for (Run r : SweepRuns.all(store, sweepId)) {
      if (r.status() == RunStatus.QUEUED && !r.queuedAtTarget()) {
        store.update(
            r.withAttribute(Submitter.SUBMITTER_PID, Long.toString(pid))
                .withAttribute(Submitter.SUBMITTER_HOST, host),
            RunStatus.QUEUED);
      }
    }
  }
}
