package io.labrun.core.run;

import java.time.Instant;
import java.util.Set;

/**
 * A filtered page of run history, newest first. Null filters match everything. {@code cursor} is
 * the id of the last run of the previous page (keyset pagination stays fast at any depth). The
 * time range is half-open: {@code createdAfter <= created < createdBefore}.
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

  public RunQuery withExperiment(String e) {
    return new RunQuery(e, statuses, runConfiguration, target, script, sweepId, createdAfter, createdBefore, cursor, limit);
  }

  public RunQuery withRunConfiguration(String rc) {
    return new RunQuery(experiment, statuses, rc, target, script, sweepId, createdAfter, createdBefore, cursor, limit);
  }

  public RunQuery withTarget(String t) {
    return new RunQuery(experiment, statuses, runConfiguration, t, script, sweepId, createdAfter, createdBefore, cursor, limit);
  }

  public RunQuery withScript(String s) {
    return new RunQuery(experiment, statuses, runConfiguration, target, s, sweepId, createdAfter, createdBefore, cursor, limit);
  }

  public RunQuery withSweepId(String s) {
    return new RunQuery(experiment, statuses, runConfiguration, target, script, s, createdAfter, createdBefore, cursor, limit);
  }

  /** Runs created in {@code [after, before)}; either bound may be null. */
  public RunQuery withCreated(Instant after, Instant before) {
    return new RunQuery(experiment, statuses, runConfiguration, target, script, sweepId, after, before, cursor, limit);
  }

  /** The next page after the run {@code lastRunId}, the last one of the previous page. */
  public RunQuery withCursor(String lastRunId) {
    return new RunQuery(experiment, statuses, runConfiguration, target, script, sweepId, createdAfter, createdBefore, lastRunId, limit);
  }
}
