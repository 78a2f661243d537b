package io.labrun.cli.run;

import io.labrun.cli.CliContext;
import io.labrun.cli.ProjectOptions;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.error.ExitCode;
import io.labrun.core.execution.ExitRecord;
import io.labrun.core.execution.RunPlan;
import io.labrun.core.history.Artifact;
import io.labrun.core.history.RunStore;
import io.labrun.core.project.Project;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.submit.RunFollower;
import io.labrun.core.submit.RunPlanner;
import io.labrun.core.submit.SubmitRequest;
import io.labrun.core.submit.Submitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code labrun experiment submit} (also {@code labrun submit}): run a script on a target. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Run SCRIPT with ARGS on the run configuration's compute target, showing its output live.",
      "The project is snapshotted; files the script writes under ./outputs are kept with the run.",
      "Ctrl-C stops watching, not the run: follow it again with 'labrun experiment logs -r RUN --follow'."
    })
public final class SubmitCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Mixin ProjectOptions project;
  @Mixin OutputOptions output;

  @Option(names = {"-c", "--run-configuration"}, required = true, paramLabel = "RUNCONFIG", description = "Run configuration (aml_config/<name>.runconfig), e.g. local or docker.")
  String runConfiguration;

  @Option(names = {"-d", "--detach"}, description = "Print the run id and return at once; the run goes on.")
  boolean detach;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop the run after this long (e.g. 90s, 30m, 2h); it ends Failed with reason timeout.")
  String timeout;

  @Parameters(index = "0", paramLabel = "SCRIPT", description = "The script, relative to the current folder or the project.")
  String script;

  @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments for the script.")
  List<String> args = new ArrayList<>();

  public SubmitCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Project p = ctx.project(project.dir());
    ProjectConfigs configs = ctx.wiring().configs(p);
    TerminalEvents events = TerminalEvents.of(ctx);
    SubmitRequest request = new SubmitRequest(p, runConfiguration, projectRelative(p, script), args, Map.of(), null, Durations.parse(timeout, "--timeout"));
    RunConfiguration rc = configs.runConfiguration(runConfiguration).value();
    if (!rc.tracked()) {
      return untracked(p, configs, request, events);
    }
    io.labrun.cli.Trace.mark("configs read");
    Submitter.Submission sub = ctx.wiring().submitter(configs, events).submit(request, events);
    io.labrun.cli.Trace.mark("run launched");
    Run run = sub.run();
    if (detach) {
      ctx.out().println(run.id());
      ctx.out().flush();
      return 0;
    }
    ctx.err().println("RunId: " + run.id());
    ctx.err().flush();
    if (run.status().isFinal()) {
      return summarize(run);
    }
    Thread hook = new Thread(() -> {
      ctx.err().println();
      ctx.err().println("labrun: stopped watching; run " + run.id() + " goes on. Follow it with: labrun experiment logs -r " + run.id() + " --follow");
      ctx.err().flush();
    });
    Runtime.getRuntime().addShutdownHook(hook);
    Optional<ExitRecord> exit = new RunFollower(sub.execution(), 0).follow(events, () -> false);
    io.labrun.cli.Trace.mark("run ended");
    Run done = exit.map(e -> ctx.wiring().finisher().finish(run.id(), sub.execution(), e)).orElse(run);
    io.labrun.cli.Trace.mark("run recorded");
    Runtime.getRuntime().removeShutdownHook(hook);
    return summarize(done);
  }

  private int untracked(Project p, ProjectConfigs configs, SubmitRequest request, TerminalEvents events) {
    RunPlanner.Resolved r = new RunPlanner(configs, events).resolve(request);
    RunPlan plan = new RunPlan(null, p, r.configuration(), r.target(), r.scriptArguments(), r.configuration().environment(), r.conda(), r.spark(),
        ctx.paths().runState("untracked"), p.root(), request.timeout());
    return ctx.wiring().targets().forSpec(r.target()).runUntracked(plan);
  }

  private int summarize(Run run) {
    RunStore store = ctx.wiring().store();
    if (output.json()) {
      new Output(ctx.out(), output).record(Runs.info(run, store, ctx.wiring().clock().instant()));
    } else {
      var err = ctx.err();
      err.println("Run " + run.id() + " " + run.status().display() + " in " + Runs.duration(run.duration(ctx.wiring().clock().instant()))
          + (run.statusDetail() == null ? "" : " (" + run.statusDetail() + ")"));
      store.metricSummaries(run.id()).forEach((name, s) -> err.println("  metric   " + name + " = " + s.last().text() + (s.count() > 1 ? "  (" + s.count() + " points)" : "")));
      for (Artifact a : store.artifacts(run.id())) {
        err.println("  artifact " + a.path() + " (" + Runs.size(a.size()) + ")");
      }
      err.flush();
    }
    return run.status() == RunStatus.COMPLETED ? 0 : ExitCode.RUN_FAILED.code();
  }

  /** A script path as the user typed it, made relative to the project root. */
  private String projectRelative(Project p, String given) {
    Path fromCwd = ctx.cwd().resolve(given).normalize();
    if (fromCwd.startsWith(p.root()) && (Files.exists(fromCwd) || !Files.exists(p.root().resolve(given)))) {
      return p.root().relativize(fromCwd).toString();
    }
    return given;
  }

  /** Parses durations such as {@code 90s}, {@code 30m}, {@code 2h}, {@code 1h30m} or ISO {@code PT5M}. */
  static final class Durations {
    private Durations() {}

    static Duration parse(String text, String option) {
      if (text == null) {
        return null;
      }
      String t = text.trim().toLowerCase(java.util.Locale.ROOT);
      try {
        if (t.startsWith("pt")) {
          return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
        }
        if (t.matches("\\d+")) {
          return Duration.ofSeconds(Long.parseLong(t));
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?").matcher(t);
        if (!t.isEmpty() && m.matches()) {
          Duration d = Duration.ZERO;
          long[] unit = {86400, 3600, 60, 1};
          for (int i = 0; i < 4; i++) {
            if (m.group(i + 1) != null) {
              d = d.plusSeconds(Long.parseLong(m.group(i + 1)) * unit[i]);
            }
          }
          if (!d.isZero()) {
            return d;
          }
        }
      } catch (java.time.format.DateTimeParseException e) {
        // fall through to the error below
      }
      throw io.labrun.core.error.LabrunException.badInput(option + " must be a duration such as 90s, 30m, 2h or 1h30m, got '" + text + "'");
    }
  }
}
