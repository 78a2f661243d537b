package io.labrun.core.run;

import java.time.Instant;
import java.util.Set;

/**
 * A filtered page of run history, newest first. Null filters match everything. {@code cursor} is
 * the id of the last run of the previous page (keyset pagination stays fast at any depth).
 */
public record RunQuery(
    String experiment,
    Set<RunStatus> statuses,
    String runConfiguration,
    String target,
    String script,
    String sweepId,
    Instant createdAfter,
    Instant createdBefore,
    String cursor,
    int limit) {

  public static RunQuery all() {
    return new RunQuery(null, null, null, null, null, null, null, null, null, 50);
  }

  public RunQuery withLimit(int n) {
    return new RunQuery(experiment, statuses, runConfiguration, target, script, sweepId, createdAfter, createdBefore, cursor, n);
  }

  public RunQuery withStatuses(Set<RunStatus> s) {
    return new RunQuery(experiment, s, runConfiguration, target, script, sweepId, createdAfter, createdBefore, cursor, limit);
  }
}
