package io.labrun.cli.run;

import io.labrun.cli.CliContext;
import io.labrun.core.error.LabrunException;
import io.labrun.core.run.Run;

/** Finds a recorded run by id, after bringing its state up to date. */
final class RunLookup {
  private RunLookup() {}

  static Run find(CliContext ctx, String id) {
    Run run = ctx.wiring().store().find(id).orElseThrow(() -> LabrunException.notFound(
        "no run '" + id + "' in the history; list runs with 'labrun history list'"));
    return ctx.wiring().reconciler().reconcile(run).orElse(run);
  }
}
