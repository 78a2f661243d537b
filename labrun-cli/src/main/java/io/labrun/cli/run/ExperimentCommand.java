package io.labrun.cli.run;

import io.labrun.app.Runs;
import io.labrun.cli.CliContext;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code labrun experiment ...}: submit runs, follow them, cancel them. */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description = "Submit, follow, inspect and cancel runs.",
    subcommands = {
      SubmitCommand.class,
      SweepCommand.class,
      PrepareCommand.class,
      CleanCommand.class,
      ExperimentCommand.Status.class,
      ExperimentCommand.Logs.class,
      ExperimentCommand.Cancel.class
    })
public final class ExperimentCommand {

  /** {@code experiment status -r RUN}. */
  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a run's status.")
  public static final class Status implements Runnable {
    private final CliContext ctx;
    @Mixin OutputOptions output;

    @Mixin RunOption run;

    public Status(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      Map<String, Object> s = ctx.runs().status(run.id());
      new Output(ctx.out(), output)
          .record(
              Output.fields(
                  "run_id",
                  s.get("run_id"),
                  "status",
                  s.get("status"),
                  "status_detail",
                  s.get("status_detail"),
                  "exit_code",
                  s.get("exit_code"),
                  "duration",
                  s.get("duration")));
    }
  }

  /** {@code experiment logs -r RUN [--follow]}. */
  @Command(
      name = "logs",
      mixinStandardHelpOptions = true,
      description = "Print a run's output; with --follow, keep printing until the run ends.")
  public static final class Logs implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin RunOption run;

    @Option(
        names = {"-f", "--follow"},
        description =
            "Keep printing new output until the run ends (Ctrl-C stops watching, not the run).")
    boolean follow;

    public Logs(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      TerminalEvents events = new TerminalEvents(ctx.out(), ctx.err(), false);
      Optional<Runs.Ended> ended = ctx.runs().logs(run.id(), follow, events);
      if (ended.isEmpty()) {
        return 0;
      }
      Runs.Ended done = ended.get();
      ctx.err()
          .println(
              "Run "
                  + done.runId()
                  + " "
                  + done.status()
                  + (done.statusDetail() == null ? "" : " (" + done.statusDetail() + ")"));
      ctx.err().flush();
      return done.completed() ? 0 : ExitCode.RUN_FAILED.code();
    }
  }

  /** {@code experiment cancel -r RUN}. */
  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description =
          "Stop a run, or every run of a sweep: TERM to its processes, KILL after a grace period."
              + " It ends Canceled.")
  public static final class Cancel implements Callable<Integer> {
    private final CliContext ctx;

    @Option(
        names = {"-r", "--run"},
        paramLabel = "RUN",
        description = "Run id.")
    String runId;

    @Option(
        names = "--sweep",
        paramLabel = "SWEEP",
        description = "Every run of this sweep, and its runs not started yet.")
    String sweepId;

    public Cancel(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      if ((runId == null) == (sweepId == null)) {
        throw LabrunException.badInput(
            "give either -r RUN or --sweep SWEEP (see 'labrun experiment cancel --help')");
      }
      if (sweepId != null) {
        Runs.SweepCanceled c = ctx.runs().cancelSweep(sweepId);
        ctx.out()
            .println(
                "Sweep "
                    + c.sweepId()
                    + " canceled: "
                    + c.stopped()
                    + " runs stopped, "
                    + c.notStarted()
                    + " not started, "
                    + c.ended()
                    + " had ended already.");
        ctx.out().flush();
        return 0;
      }
      Runs.Canceled c = ctx.runs().cancel(runId);
      ctx.out()
          .println(
              c.alreadyEnded()
                  ? "Run " + c.runId() + " has already ended: " + c.status() + "."
                  : c.beforeStart()
                      ? "Run " + c.runId() + " canceled before it started."
                      : "Run " + c.runId() + " " + c.status() + ".");
      ctx.out().flush();
      return 0;
    }
  }
}
