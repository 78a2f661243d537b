package io.labrun.cli.run;

import io.labrun.cli.CliContext;
import io.labrun.core.error.LabrunException;
import io.labrun.core.finish.Cancellation;
import io.labrun.core.history.RunStore;
import io.labrun.core.launch.Execution;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.sweep.SweepRuns;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code experiment cancel --sweep ID}: marks the sweep canceled (so whichever process drives it
 * starts and retries nothing more), cancels its runs not started, stops its runs going and waits
 * for them to end.
 */
final class SweepCancel {
  private SweepCancel() {}

  static int cancel(CliContext ctx, String sweepId) {
    RunStore store = ctx.wiring().store();
    List<Run> runs = SweepRuns.all(store, sweepId);
    if (runs.isEmpty()) {
      throw LabrunException.notFound(
          "no sweep '"
              + sweepId
              + "' in the history; its id is printed when it starts (see 'labrun history list')");
    }
    ctx.wiring().sweeps().markCanceled(sweepId);
    Cancellation cancellation = ctx.wiring().cancellation();
    Map<Run, Execution> stopping = new LinkedHashMap<>();
    int notStarted = 0;
    int ended = 0;
    for (Run listed : runs) {
      Run run = ctx.wiring().reconciler().reconcile(listed).orElse(listed);
      // A run may move on while we look (its driver starts it): look again until it is settled.
      while (true) {
        if (run.status().isFinal()) {
          ended++;
        } else if (cancellation.notStarted(run).isPresent()) {
          notStarted++;
        } else if (run.status() == RunStatus.RUNNING) {
          Run current = run;
          ctx.wiring()
              .reattach(current)
              .ifPresent(
                  e -> {
                    Cancellation.stop(e);
                    stopping.put(current, e);
                  });
        } else {
          run = store.find(run.id()).orElse(run);
          continue;
        }
        break;
      }
    }
    long deadline = System.nanoTime() + Cancellation.WAIT.toNanos();
    stopping.forEach(
        (run, execution) ->
            Cancellation.awaitEnd(ctx.wiring().finisher(), run, execution, deadline));
    ctx.out()
        .println(
            "Sweep "
                + sweepId
                + " canceled: "
                + stopping.size()
                + " runs stopped, "
                + notStarted
                + " not started, "
                + ended
                + " had ended already.");
    ctx.out().flush();
    return 0;
  }
}
