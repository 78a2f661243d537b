package io.labrun.cli.run;

import io.labrun.cli.CliContext;
import io.labrun.core.run.Run;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Commands labrun calls itself; hidden from help. */
@Command(name = "internal", hidden = true, subcommands = {InternalCommand.Finalize.class, SweepResume.class})
public final class InternalCommand {

  /** Called by a run's supervisor, when nobody watched the run end, to record its end. */
  @Command(name = "finalize", hidden = true)
  public static final class Finalize implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0")
    String runId;

    public Finalize(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Run run = RunLookup.find(ctx, runId);
      return run.status().isFinal() ? 0 : 1;
    }
  }
}
