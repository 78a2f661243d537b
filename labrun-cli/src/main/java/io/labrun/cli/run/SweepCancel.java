package io.labrun.cli.run;

import io.labrun.cli.CliContext;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.Execution;
import io.labrun.core.supervisor.ExitRecord;
import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.follow.RunFollower;
import io.labrun.core.sweep.SweepRuns;
import io.labrun.core.run.RunEvents;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code experiment cancel --sweep ID}: marks the sweep canceled (so whichever process drives it
 * starts and retries nothing more), cancels its runs not started, stops its runs going and waits
 * for them to end.
 */
final class SweepCancel {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private SweepCancel() {}

  static int cancel(CliContext ctx, String sweepId) {
    RunStore store = ctx.wiring().store();
    List<Run> runs = SweepRuns.all(store, sweepId);
    if (runs.isEmpty()) {
      throw LabrunException.notFound("no sweep '" + sweepId + "' in the history; its id is printed when it starts (see 'labrun history list')");
    }
    ctx.wiring().sweeps().markCanceled(sweepId);
    Map<Run, Execution> stopping = new LinkedHashMap<>();
    int notStarted = 0;
    int ended = 0;
    for (Run listed : runs) {
      Run run = ctx.wiring().reconciler().reconcile(listed).orElse(listed);
      // A run may move on while we look (its driver starts it): look again until it is settled.
      while (true) {
        if (run.status().isFinal()) {
          ended++;
        } else if (cancelNotStarted(ctx, run)) {
          notStarted++;
        } else if (run.status() == RunStatus.RUNNING) {
          Run current = run;
          ctx.wiring().reattach(current).ifPresent(e -> {
            stop(e);
            stopping.put(current, e);
          });
        } else {
          run = store.find(run.id()).orElse(run);
          continue;
        }
        break;
      }
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (Map.Entry<Run, Execution> e : stopping.entrySet()) {
      Optional<ExitRecord> exit = new RunFollower(e.getValue(), Long.MAX_VALUE).follow(RunEvents.NONE, () -> System.nanoTime() > deadline);
      if (exit.isEmpty()) {
        throw new LabrunException(ExitCode.TARGET_UNAVAILABLE, "run " + e.getKey().id() + " of sweep " + sweepId + " did not stop within "
            + WAIT.toSeconds() + " s of being canceled; check it with 'labrun experiment status -r " + e.getKey().id() + "'");
      }
      ctx.wiring().finisher().finish(e.getKey().id(), e.getValue(), exit.get());
    }
    ctx.out().println("Sweep " + sweepId + " canceled: " + stopping.size() + " runs stopped, " + notStarted + " not started, " + ended + " had ended already.");
    ctx.out().flush();
    return 0;
  }

  /** Cancels a run still Queued or Preparing; false when it has started meanwhile. */
  private static boolean cancelNotStarted(CliContext ctx, Run run) {
    if (run.status() != RunStatus.QUEUED && run.status() != RunStatus.PREPARING) {
      return false;
    }
    Run canceled = run.withExit(null, "canceled").withStatus(RunStatus.CANCELED, ctx.wiring().clock().instant());
    return ctx.wiring().store().update(canceled, run.status());
  }

  private static void stop(Execution e) {
    try {
      e.cancel();
    } catch (IOException ex) {
      throw new LabrunException(ExitCode.TARGET_UNAVAILABLE, "cannot cancel a run: " + ex.getMessage(), ex);
    }
  }
}
