package io.labrun.core.finish;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.follow.RunFollower;
import io.labrun.core.history.RunStore;
import io.labrun.core.launch.Execution;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.run.RunStatus;
import io.labrun.core.supervisor.ExitRecord;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Ending a run on request, the one way every caller does it (the CLI's {@code experiment cancel}, a
 * sweep's cancel, the server's queue, a sweep that stops early): a run not started yet ends
 * Canceled by a compare-and-set on its state, so a driver starting it meanwhile wins or loses
 * cleanly; a running one has its execution stopped and its end recorded by {@link RunFinisher}.
 */
public final class Cancellation {
  /** The detail of a run canceled on request. */
  public static final String DETAIL = "canceled";

  /** How long a canceled execution may take to stop (TERM, then KILL after the target's grace). */
  public static final Duration WAIT = Duration.ofSeconds(30);

  private final RunStore store;
  private final Clock clock;

  public Cancellation(RunStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Ends a Queued or Preparing run Canceled; empty when it is neither (any more: it started
   * meanwhile).
   */
  public Optional<Run> notStarted(Run run) {
    return notStarted(run, DETAIL);
  }

  /** The same, with {@code detail} saying why (a sweep that stopped early says so). */
  public Optional<Run> notStarted(Run run, String detail) {
    if (!run.notLaunched()) {
      return Optional.empty(); // started, ended, or waiting in its target's queue: stop it there
    }
    Run canceled = run.withExit(null, detail).withStatus(RunStatus.CANCELED, clock.instant());
    return store.update(canceled, run.status()) ? Optional.of(canceled) : Optional.empty();
  }

  /**
   * Ends a run still waiting in its target's queue Canceled with {@code detail}, then takes it off
   * that queue; empty when it no longer waits there (started meanwhile: it goes on).
   */
  public Optional<Run> atTarget(Run run, Execution execution, String detail) {
    if (!run.queuedAtTarget()) {
      return Optional.empty();
    }
    Run canceled = run.withExit(null, detail).withStatus(RunStatus.CANCELED, clock.instant());
    if (!store.update(canceled, RunStatus.QUEUED)) {
      return Optional.empty();
    }
    stop(execution);
    return Optional.of(canceled);
  }

  /** Asks a started run's execution to stop (TERM to its processes, KILL after a grace). */
  public static void stop(Execution execution) {
    try {
      execution.cancel();
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.TARGET_UNAVAILABLE, "cannot cancel a run: " + e.getMessage(), e);
    }
  }

  /**
   * Waits until {@code deadlineNanos} ({@link System#nanoTime}) for a stopped run's execution to
   * end, and records its end; fails in one line when it did not stop in time.
   */
  public static Run awaitEnd(
      RunFinisher finisher, Run run, Execution execution, long deadlineNanos) {
    Optional<ExitRecord> exit =
        new RunFollower(execution, Long.MAX_VALUE)
            .follow(RunEvents.NONE, () -> System.nanoTime() > deadlineNanos);
    if (exit.isEmpty()) {
      throw new LabrunException(
          ExitCode.TARGET_UNAVAILABLE,
          "run "
              + run.id()
              + (run.sweepId() == null ? "" : " of sweep " + run.sweepId())
              + " did not stop within "
              + WAIT.toSeconds()
              + " s of being canceled; check it with 'labrun experiment status -r "
              + run.id()
              + "'");
    }
    return finisher.finish(run.id(), execution, exit.get());
  }
}
