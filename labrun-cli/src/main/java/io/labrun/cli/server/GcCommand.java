package io.labrun.cli.server;

import io.labrun.cli.CliContext;
import io.labrun.cli.run.RunOutput;
import io.labrun.core.config.Durations;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.finish.UnusedObjects;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.ObjectStore.Removed;
import io.labrun.store.SqlRunStore;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code labrun server gc}: removes the objects no run of the history uses, as a server does by
 * itself after runs are deleted and every few hours. Safe next to a running server: what a
 * submission uploaded or named within the grace is kept.
 */
@Command(
    name = "gc",
    mixinStandardHelpOptions = true,
    description = {
      "Remove the stored objects (snapshot files, artifacts) that no run in the history uses, and"
          + " abort unfinished S3 uploads older than a day. Objects stored or named by a submission"
          + " within the grace are kept."
    })
public final class GcCommand implements Callable<Integer> {
  private final CliContext ctx;
  @Mixin StoreOption store;
  @Mixin ObjectsOption objects;

  @Option(
      names = "--grace",
      defaultValue = "1h",
      paramLabel = "DURATION",
      description =
          "Keep objects stored or named within this long (default ${DEFAULT-VALUE}); it must exceed"
              + " the longest upload of a submission while a server runs.")
  String grace;

  public GcCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Duration keep = Durations.require(grace, "--grace");
    SqlRunStore history = store.open(ctx);
    ObjectStore kept = objects.open(ctx);
    Removed removed;
    try {
      removed = UnusedObjects.collectNow(history, kept, ctx.wiring().clock(), keep);
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE, "cannot remove unused objects: " + e.getMessage(), e);
    }
    ctx.out()
        .println(
            "Removed "
                + removed.objects()
                + (removed.objects() == 1 ? " object" : " objects")
                + " ("
                + RunOutput.size(removed.bytes())
                + ") that no run uses (kept those stored or named in the last "
                + Durations.format(keep)
                + ").");
    ctx.out().flush();
    return 0;
  }
}
