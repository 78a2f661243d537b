package io.labrun.cli.run;

import io.labrun.app.SweepHandover;
import io.labrun.cli.CliContext;
import io.labrun.cli.ProjectOptions;
import io.labrun.cli.output.OutputOptions;
import io.labrun.cli.remote.Remote;
import io.labrun.core.config.Durations;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.Submitter;
import io.labrun.core.project.Project;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.sweep.ArgumentStyle;
import io.labrun.core.sweep.Goal;
import io.labrun.core.sweep.ParameterSpace;
import io.labrun.core.sweep.StopCondition;
import io.labrun.core.sweep.Sweep;
import io.labrun.core.sweep.SweepRecorder;
import io.labrun.core.sweep.SweepRuns;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code labrun experiment sweep}: many runs of one script over a grid or random draws of
 * parameters.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = {
      "Run SCRIPT once per combination of parameter values (--grid), or for N random draws"
          + " (--random N).",
      "At most --parallel runs go at once, all grouped under one sweep id. Parameters reach the"
          + " script as",
      "--name value (or positionally with --positional) and are recorded as the runs' params.",
      "Options for the script itself go after '--'. Ctrl-C lets go of the sweep (on a terminal it"
          + " first",
      "offers to cancel its runs); it goes on in the background: 'labrun experiment cancel --sweep"
          + " ID' stops it."
    })
public final class SweepCommand implements Callable<Integer> {
  static final int MAX_PARALLEL = 256;
  private final CliContext ctx;

  @Mixin ProjectOptions project;
  @Mixin OutputOptions output;

  @Option(
      names = "--resume",
      paramLabel = "SWEEP",
      description =
          "Drive on a sweep whose labrun was stopped (killed, machine restarted): its runs not"
              + " started yet run, finished ones are kept.")
  String resume;

  @Option(
      names = {"-c", "--run-configuration"},
      paramLabel = "RUNCONFIG",
      description = "Run configuration, e.g. local or docker.")
  String runConfiguration;

  @Option(
      names = "--grid",
      paramLabel = "NAME=VALUES",
      description =
          "A parameter and its values: reg=10,5,2.5; whole numbers epochs=1..10; for --random also"
              + " real ranges lr=0.001..0.1 (log-uniform when both ends are positive and more than"
              + " 10x apart). Repeat for each parameter.")
  List<String> grid = new ArrayList<>();

  @Option(
      names = "--random",
      paramLabel = "N",
      description = "N random draws from the parameters instead of the full grid.")
  Integer random;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description =
          "Seed of the random draws (the same seed gives the same draws); printed when not given.")
  Long seed;

  @Option(
      names = {"-j", "--parallel"},
      paramLabel = "K",
      defaultValue = "1",
      description = "At most K runs going at once (default ${DEFAULT-VALUE}).")
  int parallel;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description =
          "Stop each run after this long (90s, 30m, 2h); it ends Failed with reason timeout."
              + " Default: the run configuration's Timeout.")
  String timeout;

  @Option(
      names = "--retries",
      paramLabel = "N",
      description =
          "Try a run again up to N times when it was killed from outside (lost, SIGKILL, out of"
              + " memory, target unreachable), never for its own failure. Default: the run"
              + " configuration's Retries, else 0.")
  Integer retries;

  @Option(
      names = "--stop-when",
      paramLabel = "EXPR",
      description =
          "Stop early once a run ends Completed with its last metric value meeting EXPR, e.g."
              + " 'accuracy >= 0.99': runs not started are canceled, runs going finish.")
  String stopWhen;

  @Option(
      names = "--primary-metric",
      paramLabel = "NAME",
      description = "Order the results by this metric's last value, best first.")
  String primaryMetric;

  @Option(
      names = "--goal",
      paramLabel = "max|min",
      description = "Whether a higher or lower primary metric is better (default max).")
  String goal;

  @Option(
      names = "--positional",
      description =
          "Pass the values as positional arguments, in parameter order (for scripts reading"
              + " sys.argv[1]).")
  boolean positional;

  @Option(
      names = {"-d", "--detach"},
      description =
          "Record the sweep, print its id and return; a background labrun process runs it.")
  boolean detach;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SCRIPT",
      description = "The script, relative to the current folder or the project.")
  String script;

  @Parameters(
      index = "1..*",
      paramLabel = "ARGS",
      description = "More arguments for every run, after the parameters (put options after '--').")
  List<String> args = new ArrayList<>();

  public SweepCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    Remote.requireLocal(ctx, "experiment sweep");
    if (resume != null) {
      return resume();
    }
    checkOptions();
    Project p = ctx.project(project.dir());
    ProjectConfigs configs = ctx.wiring().configs(p);
    RunConfiguration rc = configs.runConfiguration(runConfiguration).value();
    if (!rc.tracked()) {
      throw LabrunException.badInput(
          "a sweep records its runs, but aml_config/"
              + rc.name()
              + ".runconfig says TrackedRun: false; use a tracked run configuration");
    }
    ParameterSpace space = ParameterSpace.parse(grid);
    List<Map<String, String>> points;
    if (random != null) {
      long s = seed != null ? seed : new SecureRandom().nextLong();
      points = space.random(random, s);
      ctx.err().println("labrun: " + random + " random draws with --seed " + s);
    } else {
      points = space.grid();
    }
    Duration perRun = timeout == null ? null : Durations.require(timeout, "--timeout");
    Sweep plan =
        new Sweep(
            SweepRecorder.newId(p.name(), ctx.wiring().clock().instant()),
            p.root(),
            runConfiguration,
            SubmitCommand.projectRelative(ctx, p, script),
            args,
            positional ? ArgumentStyle.POSITIONAL : ArgumentStyle.NAMED,
            parallel,
            perRun,
            retries != null ? retries : rc.retriesOrDefault(),
            stopWhen == null ? null : StopCondition.parse(stopWhen),
            primaryMetric,
            Goal.parse(goal),
            List.of());
    OnceEvents events = new OnceEvents(ctx);
    Submitter submitter = ctx.wiring().submitter(configs, events);
    submitter.check(plan.request(points.get(0)));
    Sweep sweep = SweepRecorder.record(plan, points, submitter, ctx.wiring().sweeps());
    ctx.err()
        .println(
            "Sweep "
                + sweep.id()
                + ": "
                + points.size()
                + " runs of "
                + sweep.script()
                + ", at most "
                + parallel
                + " at once");
    ctx.err().flush();
    if (detach) {
      long pid = SweepHandover.start(ctx.wiring(), sweep.id());
      ctx.out().println(sweep.id());
      ctx.err()
          .println(
              "labrun: sweep "
                  + sweep.id()
                  + " goes on in labrun process "
                  + pid
                  + "; see it with 'labrun history compare --sweep "
                  + sweep.id()
                  + "', cancel it with 'labrun experiment cancel --sweep "
                  + sweep.id()
                  + "'");
      ctx.out().flush();
      ctx.err().flush();
      return 0;
    }
    return new SweepWatch(ctx, sweep, submitter, output).run();
  }

  /** Drives a recorded sweep on in this process, as the sweep's own labrun would have. */
  private int resume() throws InterruptedException {
    if (runConfiguration != null || !grid.isEmpty() || script != null) {
      throw LabrunException.badInput(
          "--resume SWEEP drives a recorded sweep on as it was given; drop -c, --grid and the"
              + " script");
    }
    Sweep sweep =
        ctx.wiring()
            .sweeps()
            .read(resume)
            .orElseThrow(
                () ->
                    LabrunException.notFound(
                        "no sweep '"
                            + resume
                            + "' in the history; its id is printed when it starts ('Sweep ID:"
                            + " ...')"));
    SweepRuns.claimQueued(
        ctx.wiring().store(), sweep.id(), ProcessHandle.current().pid(), ctx.wiring().host());
    for (Run r : SweepRuns.all(ctx.wiring().store(), sweep.id())) {
      ctx.wiring().reconciler().reconcile(r);
    }
    Submitter submitter =
        ctx.wiring()
            .submitter(ctx.wiring().configs(new Project(sweep.projectRoot())), new OnceEvents(ctx));
    ctx.err()
        .println(
            "Sweep " + sweep.id() + ": driven on by this labrun (runs already finished are kept)");
    ctx.err().flush();
    return new SweepWatch(ctx, sweep, submitter, output).run();
  }

  private void checkOptions() {
    if (runConfiguration == null || grid.isEmpty() || script == null) {
      String missing =
          runConfiguration == null
              ? "'--run-configuration=RUNCONFIG'"
              : grid.isEmpty() ? "'--grid=NAME=VALUES'" : "'SCRIPT'";
      throw LabrunException.badInput(
          "Missing required option: " + missing + " (see 'labrun experiment sweep --help')");
    }
    if (parallel < 1 || parallel > MAX_PARALLEL) {
      throw LabrunException.badInput(
          "--parallel must be from 1 to " + MAX_PARALLEL + ", got " + parallel);
    }
    if (retries != null && (retries < 0 || retries > 100)) {
      throw LabrunException.badInput("--retries must be from 0 to 100, got " + retries);
    }
    if (goal != null) {
      Goal.parse(goal);
      if (primaryMetric == null) {
        throw LabrunException.badInput(
            "--goal says whether a higher or lower --primary-metric is better; add --primary-metric"
                + " NAME, or drop --goal");
      }
    }
    if (seed != null && random == null) {
      throw LabrunException.badInput(
          "--seed is for random draws; add --random N (or drop --seed for the full grid)");
    }
  }

  /**
   * Shows each distinct progress line once, not once per run (the same warning holds for all of
   * them).
   */
  static final class OnceEvents implements RunEvents {
    private final CliContext ctx;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    OnceEvents(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void progress(String message) {
      if (seen.add(message)) {
        ctx.err().println("labrun: " + message);
        ctx.err().flush();
      }
    }
  }
}
