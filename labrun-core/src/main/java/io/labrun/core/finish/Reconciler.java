package io.labrun.core.finish;

import io.labrun.core.follow.TargetQueue;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.Execution;
import io.labrun.core.launch.Submitter;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.supervisor.ExitRecord;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Brings history up to date with reality before a command shows it: a run recorded as going whose
 * process has ended gets its end recorded; one whose process vanished without a trace becomes Lost.
 * This is how no run stays Running forever, whatever happened to the CLI that started it.
 */
public final class Reconciler {
  private final RunStore store;
  private final RunFinisher finisher;
  private final LabrunPaths paths;
  private final Function<Run, Optional<ComputeTarget>> targetOf;
  private final Clock clock;
  private final String localHost;
  private final Consumer<String> orphanedSweeps;
  private final Set<String> adopted = ConcurrentHashMap.newKeySet();

  public Reconciler(
      RunStore store,
      RunFinisher finisher,
      LabrunPaths paths,
      Function<Run, Optional<ComputeTarget>> targetOf,
      Clock clock,
      String localHost) {
    this(store, finisher, paths, targetOf, clock, localHost, null);
  }

  /**
   * @param orphanedSweeps given the id of a sweep whose driving process is gone, starts a new one
   *     that takes over its Queued runs (and records itself as their submitter); null leaves such
   *     runs to become Lost
   */
  public Reconciler(
      RunStore store,
      RunFinisher finisher,
      LabrunPaths paths,
      Function<Run, Optional<ComputeTarget>> targetOf,
      Clock clock,
      String localHost,
      Consumer<String> orphanedSweeps) {
    this.orphanedSweeps = orphanedSweeps;
    this.localHost = localHost;
    this.store = store;
    this.finisher = finisher;
    this.paths = paths;
    this.targetOf = targetOf;
    this.clock = clock;
  }

  /** Reconciles every unfinished run; returns the runs whose state changed. */
  public List<Run> reconcileAll() {
    return store.unfinished().stream().map(this::reconcile).flatMap(Optional::stream).toList();
  }

  /** Reconciles one run if it is unfinished; returns its new record when it changed. */
  public Optional<Run> reconcile(Run run) {
    if (run.status().isFinal()) {
      return Optional.empty();
    }
    if (run.notLaunched()) {
      return reconcileNotStarted(run);
    }
    Optional<ComputeTarget> target = targetOf.apply(run);
    if (target.isEmpty()) {
      return Optional.empty(); // the target's adapter is not available here; leave it alone
    }
    try {
      Execution execution = target.get().reattach(run, paths.runState(run.id()));
      Optional<ExitRecord> exit = execution.poll();
      if (exit.isEmpty()) {
        return new TargetQueue(store, clock).look(run, execution);
      }
      return Optional.of(finisher.finish(run.id(), execution, exit.get()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // unreachable right now (host down): try again next time
    }
  }

  /**
   * A run still Queued or Preparing whose submitting process (on this host) is gone will never
   * start: it becomes Lost.
   */
  private Optional<Run> reconcileNotStarted(Run run) {
    if (!submitterGone(run)) {
      return Optional.empty();
    }
    if (run.status() == RunStatus.QUEUED && run.sweepId() != null && orphanedSweeps != null) {
      // a sweep whose driver was killed: a new driver starts its points not started yet
      if (adopted.add(run.sweepId())) {
        Run current = store.find(run.id()).orElse(run);
        if (current.status() == RunStatus.QUEUED && submitterGone(current)) {
          orphanedSweeps.accept(run.sweepId());
        }
      }
      return Optional.empty();
    }
    Run lost =
        run.withExit(null, "lost: labrun stopped before the run started")
            .withStatus(RunStatus.LOST, clock.instant());
    return store.update(lost, run.status()) ? Optional.of(lost) : Optional.empty();
  }

  /**
   * Whether the process on this host that was to start the run is gone (runs of other hosts are
   * theirs to judge).
   */
  private boolean submitterGone(Run run) {
    String pid = run.attributes().get(Submitter.SUBMITTER_PID);
    String host = run.attributes().get(Submitter.SUBMITTER_HOST);
    if (pid == null || host == null || !host.equals(localHost)) {
      return false;
    }
    return !ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
  }
}
