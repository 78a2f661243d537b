package io.labrun.cli.run;

import io.labrun.app.LocalRuns;
import io.labrun.cli.CliContext;
import io.labrun.core.run.Run;

/** Finds a recorded run by id, after bringing its state up to date. */
final class RunLookup {
  private RunLookup() {}

  static Run find(CliContext ctx, String id) {
    return new LocalRuns(ctx.wiring()).find(id);
  }
}
