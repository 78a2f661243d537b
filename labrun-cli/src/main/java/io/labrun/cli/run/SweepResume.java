package io.labrun.cli.run;

import io.labrun.app.SweepHandover;
import io.labrun.cli.CliContext;
import io.labrun.core.error.LabrunException;
import io.labrun.core.project.Project;
import io.labrun.core.run.Run;
import io.labrun.core.sweep.Sweep;
import io.labrun.core.sweep.SweepDriver;
import io.labrun.core.sweep.SweepFiles;
import io.labrun.core.sweep.SweepRecords;
import io.labrun.core.sweep.SweepRuns;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code labrun internal sweep-resume ID}: drives a sweep someone let go of, from what the history
 * says about it: starts its Queued runs, waits for its runs going, retries, stops early. Started by
 * {@link SweepHandover} in a session of its own; waits for the driver before it to let go.
 */
@Command(name = "sweep-resume", hidden = true)
public final class SweepResume implements Callable<Integer> {
  private final CliContext ctx;

  @Parameters(index = "0")
  String sweepId;

  public SweepResume(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    SweepRecords records = ctx.wiring().sweeps();
    Sweep sweep =
        records
            .read(sweepId)
            .orElseThrow(
                () -> LabrunException.notFound("no sweep '" + sweepId + "' in the history"));
    SweepDriver.Listener log =
        new SweepDriver.Listener() {
          @Override
          public void note(String message) {
            ctx.err().println(Instant.now() + " " + message);
            ctx.err().flush();
          }
        };
    try (SweepFiles.Lock lock = ctx.wiring().sweepFiles().lock(sweepId)) {
      log.note(
          "driving sweep "
              + sweepId
              + " on (labrun process "
              + ProcessHandle.current().pid()
              + ")");
      SweepRuns.claimQueued(
          ctx.wiring().store(), sweepId, ProcessHandle.current().pid(), ctx.wiring().host());
      for (Run r : SweepRuns.all(ctx.wiring().store(), sweepId)) {
        ctx.wiring().reconciler().reconcile(r);
      }
      var submitter =
          ctx.wiring()
              .submitter(
                  ctx.wiring().configs(new Project(sweep.projectRoot())),
                  new SweepCommand.OnceEvents(ctx));
      try (SweepDriver driver =
          new SweepDriver(
              sweep,
              ctx.wiring().runAttempts(submitter),
              ctx.wiring().store(),
              records,
              ctx.paths(),
              log,
              ctx.wiring().clock())) {
        driver.start();
        while (!driver.awaitDone(Duration.ofMinutes(1))) {
          // the runs go on; nothing to show
        }
        log.note(
            "sweep "
                + sweepId
                + " ended"
                + (driver.stopReason() == null ? "" : " early: " + driver.stopReason()));
      }
    }
    return 0;
  }
}
