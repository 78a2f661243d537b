package io.labrun.cli.run;

import io.labrun.cli.CliContext;
import io.labrun.cli.remote.Remote;
import io.labrun.store.History;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code history rebuild}: the run history database made again from the runs' own records. */
@Command(
    name = "rebuild",
    mixinStandardHelpOptions = true,
    description = {
      "Make the run history database (labrun.db) again from the records kept in each run's folder.",
      "For a database that was lost or damaged. The old file, if any, is kept beside it."
    })
public final class RebuildCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--force", description = "Rebuild even a database that opens and holds runs.")
  boolean force;

  public RebuildCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException {
    Remote.requireLocal(ctx, "history rebuild");
    Path data = ctx.paths().dataDir();
    History.Rebuilt r = History.rebuild(data, force);
    ctx.out()
        .println(
            "Rebuilt the run history "
                + data.resolve(History.DATABASE)
                + " with "
                + r.runs()
                + " runs from "
                + data.resolve("runs")
                + (r.keptAs() == null ? "." : "; the old file is kept as " + r.keptAs() + "."));
    ctx.out().flush();
    return 0;
  }
}
