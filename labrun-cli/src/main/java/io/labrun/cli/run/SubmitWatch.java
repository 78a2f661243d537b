package io.labrun.cli.run;

import io.labrun.app.Runs;
import io.labrun.cli.CliContext;
import io.labrun.core.follow.RunFollower;
import io.labrun.core.launch.Execution;
import io.labrun.core.retry.RetryPolicy;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.supervisor.ExitRecord;
import java.time.Duration;
import java.util.Optional;

/**
 * How {@code experiment submit} watches its run's attempts: prints each attempt's id when it starts
 * (or is queued on a server), streams its output live, says when it is tried again. Ctrl-C stops
 * watching, not the run (and no further attempt is made).
 */
final class SubmitWatch implements Runs.SubmitWatch {
  private final CliContext ctx;
  private final TerminalEvents events;
  private final RetryPolicy policy;
  private String announced;

  SubmitWatch(CliContext ctx, TerminalEvents events, RetryPolicy policy) {
    this.ctx = ctx;
    this.events = events;
    this.policy = policy;
  }

  @Override
  public TerminalEvents events() {
    return events;
  }

  @Override
  public void changed(Run run) {
    if (run.queuedAtTarget()) {
      announce(run);
      ctx.err().println("labrun: run " + run.id() + " " + run.statusDetail());
      ctx.err().flush();
    } else if (run.status() == RunStatus.RUNNING) {
      announce(run);
    }
  }

  /** Prints an attempt's id once, when it is handed to its target. */
  private void announce(Run run) {
    if (!run.id().equals(announced)) {
      announced = run.id();
      ctx.err()
          .println(
              "RunId: "
                  + run.id()
                  + (run.attempt() > 1
                      ? " (attempt " + run.attempt() + " of " + policy.maxAttempts() + ")"
                      : ""));
      ctx.err().flush();
    }
  }

  @Override
  public void queued(String runId, String where) {
    ctx.err().println("RunId: " + runId + " (" + where + ")");
    ctx.err().flush();
  }

  @Override
  public Runs.Watching watching(String runId) {
    return ctx.interrupts()
            .onStop(
                () -> {
                  ctx.err().println();
                  ctx.err()
                      .println(
                          "labrun: stopped watching; run "
                              + runId
                              + " goes on. Follow it with: labrun experiment logs -r "
                              + runId
                              + " --follow");
                  ctx.err().flush();
                })
        ::close;
  }

  @Override
  public Optional<ExitRecord> await(Run run, Execution execution) {
    try (var stopped = watching(run.id())) {
      return new RunFollower(execution, 0).follow(events, () -> false);
    }
  }

  @Override
  public boolean mayStart() {
    return true;
  }

  @Override
  public boolean pause(Duration delay, Run failed, int nextAttempt) {
    ctx.err()
        .println(
            "labrun: run "
                + failed.id()
                + " "
                + failed.status().display()
                + " ("
                + failed.statusDetail()
                + "), which was not the script's doing; trying again in "
                + delay.toMillis() / 1000.0
                + " s (attempt "
                + nextAttempt
                + " of "
                + policy.maxAttempts()
                + ")");
    ctx.err().flush();
    try {
      Thread.sleep(delay.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
