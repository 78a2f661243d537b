package io.labrun.core.run;

import io.labrun.core.run.query.RunFilter;
import java.time.Instant;
import java.util.Set;

/**
 * A filtered page of run history, newest first. Null filters match everything. {@code cursor} is
 * the id of the last run of the previous page (keyset pagination stays fast at any depth). The time
 * range is half-open: {@code createdAfter <= created < createdBefore}. {@code runFilter} adds a
 * condition and an order written in the query language ({@link RunFilter}).
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
    int limit,
    RunFilter runFilter) {

  public RunQuery {
    runFilter = runFilter == null ? RunFilter.ALL : runFilter;
  }

  /** A query without a {@link RunFilter}: the flags of {@code history list} alone. */
  public RunQuery(
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
    this(
        experiment,
        statuses,
        runConfiguration,
        target,
        script,
        sweepId,
        createdAfter,
        createdBefore,
        cursor,
        limit,
        RunFilter.ALL);
  }

  public static RunQuery all() {
    return new RunQuery(null, null, null, null, null, null, null, null, null, 50, RunFilter.ALL);
  }

  public RunQuery withLimit(int n) {
    return new RunQuery(
        experiment,
        statuses,
        runConfiguration,
        target,
        script,
        sweepId,
        createdAfter,
        createdBefore,
        cursor,
        n,
        runFilter);
  }

  public RunQuery withStatuses(Set<RunStatus> s) {
    return new RunQuery(
        experiment,
        s,
        runConfiguration,
        target,
        script,
        sweepId,
        createdAfter,
        createdBefore,
        cursor,
        limit,
        runFilter);
  }

  public RunQuery withExperiment(String e) {
    return new RunQuery(
        e,
        statuses,
        runConfiguration,
        target,
        script,
        sweepId,
        createdAfter,
        createdBefore,
        cursor,
        limit,
        runFilter);
  }

  public RunQuery withRunConfiguration(String rc) {
    return new RunQuery(
        experiment,
        statuses,
        rc,
        target,
        script,
        sweepId,
        createdAfter,
        createdBefore,
        cursor,
        limit,
        runFilter);
  }

  public RunQuery withTarget(String t) {
    return new RunQuery(
        experiment,
        statuses,
        runConfiguration,
        t,
        script,
        sweepId,
        createdAfter,
        createdBefore,
        cursor,
        limit,
        runFilter);
  }

  public RunQuery withScript(String s) {
    return new RunQuery(
        experiment,
        statuses,
        runConfiguration,
        target,
        s,
        sweepId,
        createdAfter,
        createdBefore,
        cursor,
        limit,
        runFilter);
  }

  public RunQuery withSweepId(String s) {
    return new RunQuery(
        experiment,
        statuses,
        runConfiguration,
        target,
        script,
        s,
        createdAfter,
        createdBefore,
        cursor,
        limit,
        runFilter);
  }

  /** Runs created in {@code [after, before)}; either bound may be null. */
  public RunQuery withCreated(Instant after, Instant before) {
    return new RunQuery(
        experiment,
        statuses,
        runConfiguration,
        target,
        script,
        sweepId,
        after,
        before,
        cursor,
        limit,
        runFilter);
  }

  /** Only the runs {@code f} matches, in its order (newest first when it has none). */
  public RunQuery withRunFilter(RunFilter f) {
    return new RunQuery(
        experiment,
        statuses,
        runConfiguration,
        target,
        script,
        sweepId,
        createdAfter,
        createdBefore,
        cursor,
        limit,
        f);
  }

  /** The next page after the run {@code lastRunId}, the last one of the previous page. */
  public RunQuery withCursor(String lastRunId) {
    return new RunQuery(
        experiment,
        statuses,
        runConfiguration,
        target,
        script,
        sweepId,
        createdAfter,
        createdBefore,
        lastRunId,
        limit,
        runFilter);
  }
}
