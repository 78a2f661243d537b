package io.labrun.cli.run;

import io.labrun.app.SweepHandover;
import io.labrun.cli.CliContext;
import io.labrun.cli.Interrupts;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.core.error.ExitCode;
import io.labrun.core.history.RunStore;
import io.labrun.core.launch.Submitter;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.sweep.Sweep;
import io.labrun.core.sweep.SweepDriver;
import io.labrun.core.sweep.SweepFiles;
import io.labrun.core.sweep.SweepRecords;
import io.labrun.core.sweep.SweepRuns;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives a sweep in this process while the user watches it, then prints its results. Ctrl-C: on a
 * terminal, asks whether to cancel the sweep's runs (y) or let go of it (N); elsewhere lets go at
 * once. Letting go hands the sweep over to a background labrun process ({@link SweepHandover}), as
 * does the end of this process for any other reason (SIGTERM, a second Ctrl-C).
 */
final class SweepWatch {
  static final int INTERRUPTED = 130;
  private static final Duration TICK = Duration.ofMillis(250);
  private static final Duration LET_GO_WAIT = Duration.ofSeconds(60);
  private final CliContext ctx;
  private final Sweep sweep;
  private final Submitter submitter;
  private final OutputOptions output;
  private final AtomicBoolean pressed = new AtomicBoolean();
  private final AtomicBoolean handedOver = new AtomicBoolean();
  private Interrupts.Taken ctrlC;
  private boolean canceledByUser;

  SweepWatch(CliContext ctx, Sweep sweep, Submitter submitter, OutputOptions output) {
    this.ctx = ctx;
    this.sweep = sweep;
    this.submitter = submitter;
    this.output = output;
  }

  int run() throws InterruptedException {
    RunStore store = ctx.wiring().store();
    SweepRecords records = ctx.wiring().sweeps();
    AtomicReference<SweepDriver> driverRef = new AtomicReference<>();
    SweepView view =
        new SweepView(
            ctx.err(), ctx.interactive(), sweep.points().size(), () -> driverRef.get().views());
    try (SweepFiles.Lock lock = ctx.wiring().sweepFiles().lock(sweep.id());
        SweepDriver driver =
            new SweepDriver(
                sweep,
                ctx.wiring().runAttempts(submitter),
                store,
                records,
                ctx.paths(),
                view,
                ctx.wiring().clock())) {
      driverRef.set(driver);
      Interrupts.Taken stopped =
          ctx.interrupts().onStop(() -> letGo(driver, lock, Duration.ofSeconds(5)));
      ctrlC = ctx.interrupts().take(() -> pressed.set(true));
      try {
        driver.start();
        while (!driver.awaitDone(TICK)) {
          view.tick();
          if (pressed.getAndSet(false) && !onCtrlC(driver, view)) {
            letGo(driver, lock, LET_GO_WAIT);
            return INTERRUPTED;
          }
        }
      } finally {
        ctrlC.close();
        stopped.close();
      }
      view.finish();
      return report(store, driver);
    }
  }

  /** Asks, on a terminal, whether to cancel the runs; true when they are being canceled. */
  private boolean onCtrlC(SweepDriver driver, SweepView view) {
    if (!ctx.interactive()) {
      return false;
    }
    view.pause();
    ctrlC
        .close(); // a second Ctrl-C while asking stops labrun at once; the shutdown hook hands over
    ctx.err().print("\nCancel the runs of sweep " + sweep.id() + " that have not ended? [y/N] ");
    ctx.err().flush();
    String answer = readLine();
    ctrlC = ctx.interrupts().take(() -> pressed.set(true));
    if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).startsWith("y")) {
      return false;
    }
    canceledByUser = true;
    ctx.err().println("labrun: canceling the runs of sweep " + sweep.id());
    ctx.err().flush();
    view.resume();
    driver.cancel();
    return true;
  }

  private String readLine() {
    try {
      return new BufferedReader(new InputStreamReader(ctx.stdin(), StandardCharsets.UTF_8))
          .readLine();
    } catch (IOException e) {
      return null;
    }
  }

  /** Stops watching; the runs go on, and a background process drives what is left of the sweep. */
  private void letGo(SweepDriver driver, SweepFiles.Lock lock, Duration wait) {
    if (!handedOver.compareAndSet(false, true)) {
      return;
    }
    try {
      driver.letGo(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String id = sweep.id();
    if (!driver.unfinished()) {
      ctx.err().println("\nlabrun: stopped watching; every run of sweep " + id + " has ended.");
    } else {
      lock.close();
      long pid = SweepHandover.start(ctx.wiring(), id);
      ctx.err()
          .println(
              "\nlabrun: stopped watching sweep "
                  + id
                  + "; it goes on in labrun process "
                  + pid
                  + ". See it with 'labrun history compare --sweep "
                  + id
                  + "'; cancel it with 'labrun experiment cancel --sweep "
                  + id
                  + "'");
    }
    ctx.err().flush();
  }

  private int report(RunStore store, SweepDriver driver) {
    List<Run> latest =
        new ArrayList<>(SweepRuns.latestAttempts(SweepRuns.all(store, sweep.id())).values());
    SweepTable table =
        SweepTable.of(
            store,
            latest,
            List.copyOf(sweep.points().get(0).params().keySet()),
            sweep.rankingMetric(),
            sweep.rankingGoal(),
            ctx.wiring().clock().instant());
    new Output(ctx.out(), output).rows(table.rows(), table.columns());
    Map<RunStatus, Integer> counts = new EnumMap<>(RunStatus.class);
    boolean allWell = true;
    for (Run r : latest) {
      counts.merge(r.status(), 1, Integer::sum);
      boolean notStarted =
          r.status() == RunStatus.CANCELED
              && r.statusDetail() != null
              && r.statusDetail().startsWith("not started");
      allWell &= r.status() == RunStatus.COMPLETED || notStarted;
    }
    StringBuilder line = new StringBuilder("Sweep " + sweep.id() + ": " + latest.size() + " runs,");
    counts.forEach(
        (s, n) -> line.append(' ').append(n).append(' ').append(s.display()).append(','));
    line.setLength(line.length() - 1);
    if (driver.stopReason() != null) {
      line.append("; stopped early: ").append(driver.stopReason());
    }
    ctx.err().println(line);
    ctx.err().flush();
    if (canceledByUser) {
      return INTERRUPTED;
    }
    return allWell ? 0 : ExitCode.RUN_FAILED.code();
  }
}
