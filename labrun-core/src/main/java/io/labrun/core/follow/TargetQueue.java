package io.labrun.core.follow;

import io.labrun.core.history.RunStore;
import io.labrun.core.launch.Execution;
import io.labrun.core.launch.ForwardingExecution;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.supervisor.ExitRecord;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Records what a target's own queue does with a launched run (see {@link Execution#queued}): while
 * it waits there the run stays Queued with the target's reason as its status detail, and it becomes
 * Running when the target starts it. Target-neutral: any target whose runs wait after launch says
 * so through its execution, and every follower (a submit, a sweep's slot, the server, the
 * reconciler) records it here, by compare-and-set.
 */
public final class TargetQueue {
  private final RunStore store;
  private final Clock clock;

  public TargetQueue(RunStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Asks a run queued at its target, found going by a poll, whether it started or waits for another
   * reason, and records that; empty when nothing changed (or another process recorded it first).
   */
  public Optional<Run> look(Run run, Execution execution) throws IOException {
    if (!run.queuedAtTarget()) {
      return Optional.empty();
    }
    Optional<String> queued = execution.queued();
    Run next;
    if (queued.isEmpty()) {
      next = run.withExit(null, null).withStatus(RunStatus.RUNNING, clock.instant());
    } else if (!queued.get().equals(run.attributes().get(Run.QUEUED_AT_TARGET))) {
      next = run.waitingAtTarget(queued.get());
    } else {
      return Optional.empty();
    }
    return store.update(next, RunStatus.QUEUED) ? Optional.of(next) : Optional.empty();
  }

  /**
   * {@code execution} followed as it is, except that each poll that finds {@code run} going also
   * records its start or its new reason, telling {@code changed}.
   */
  public Execution watching(Run run, Execution execution, Consumer<Run> changed) {
    if (!run.queuedAtTarget()) {
      return execution;
    }
    return new Watched(run, execution, changed);
  }

  private final class Watched extends ForwardingExecution {
    private Run run;
    private final Consumer<Run> changed;

    Watched(Run run, Execution execution, Consumer<Run> changed) {
      super(execution);
      this.run = run;
      this.changed = changed;
    }

    @Override
    public Optional<ExitRecord> poll() throws IOException {
      Optional<ExitRecord> exit = execution.poll();
      if (exit.isEmpty() && run.queuedAtTarget()) {
        Optional<Run> next = look(run, execution);
        if (next.isPresent()) {
          run = next.get();
          changed.accept(run);
        } else if (execution.queued().isEmpty()) {
          run = store.find(run.id()).orElse(run); // another process recorded the start
        }
      }
      return exit;
    }
  }
}
