package io.labrun.cli.run;

import io.labrun.cli.CliContext;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.sweep.Goal;
import io.labrun.core.sweep.Sweep;
import io.labrun.core.sweep.SweepRuns;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code history compare --sweep ID}: the sweep's results table from the history alone (the sweep
 * file, when this machine has it, adds the parameter order and the sweep's primary metric).
 */
final class SweepCompare {
  private SweepCompare() {}

  static void print(
      CliContext ctx, OutputOptions output, String sweepId, String primaryMetric, String goal) {
    RunStore store = ctx.wiring().store();
    List<Run> all = SweepRuns.all(store, sweepId);
    if (all.isEmpty()) {
      throw LabrunException.notFound(
          "no sweep '"
              + sweepId
              + "' in the history; its id is printed when it starts (see 'labrun history list')");
    }
    List<Run> latest = new ArrayList<>();
    for (Run r : SweepRuns.latestAttempts(all).values()) {
      latest.add(ctx.wiring().reconciler().reconcile(r).orElse(r));
    }
    Optional<Sweep> sweep = ctx.wiring().sweeps().read(sweepId);
    List<String> params =
        sweep
            .filter(s -> !s.points().isEmpty())
            .map(s -> List.copyOf(s.points().get(0).params().keySet()))
            .orElse(List.of());
    String metric =
        primaryMetric != null ? primaryMetric : sweep.map(Sweep::rankingMetric).orElse(null);
    Goal g =
        goal != null || primaryMetric != null
            ? Goal.parse(goal)
            : sweep.map(Sweep::rankingGoal).orElse(Goal.MAX);
    SweepTable table =
        SweepTable.of(store, latest, params, metric, g, ctx.wiring().clock().instant());
    new Output(ctx.out(), output).rows(table.rows(), table.columns());
  }
}
