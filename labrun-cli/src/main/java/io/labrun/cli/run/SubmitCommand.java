package io.labrun.cli.run;

import io.labrun.app.Runs;
import io.labrun.cli.CliContext;
import io.labrun.cli.ProjectOptions;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.core.config.Durations;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.plan.RunPlanner;
import io.labrun.core.plan.SubmitRequest;
import io.labrun.core.project.Project;
import io.labrun.core.retry.RetryPolicy;
import io.labrun.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
      "Ctrl-C stops watching, not the run: follow it again with 'labrun experiment logs -r RUN"
          + " --follow'."
    })
public final class SubmitCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Mixin ProjectOptions project;
  @Mixin OutputOptions output;

  @Option(
      names = {"-c", "--run-configuration"},
      paramLabel = "RUNCONFIG",
      description = "Run configuration (aml_config/<name>.runconfig), e.g. local or docker.")
  String runConfiguration;

  @Option(
      names = {"-t", "--target"},
      paramLabel = "TARGET",
      description =
          "Run on this compute target (aml_config/<name>.compute) instead of the run"
              + " configuration's; without -c, with the run configuration of the same name.")
  String target;

  @Option(
      names = {"-d", "--detach"},
      description = "Print the run id and return at once; the run goes on.")
  boolean detach;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description =
          "Stop the run after this long (e.g. 90s, 30m, 2h); it ends Failed with reason timeout."
              + " Default: the run configuration's Timeout.")
  String timeout;

  @Option(
      names = "--retries",
      paramLabel = "N",
      description =
          "Try the run again up to N times when it was killed from outside (lost, SIGKILL, out of"
              + " memory, target unreachable), never for its own failure or a timeout. Default: the"
              + " run configuration's Retries, else 0.")
  Integer retries;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SCRIPT",
      description =
          "The script, relative to the current folder or the project. Default: the run"
              + " configuration's 'script' (2018 format), with its 'arguments'.")
  String script;

  @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments for the script.")
  List<String> args = new ArrayList<>();

  public SubmitCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Project p = ctx.project(project.dir());
    runConfiguration = runConfigurationName();
    if (script == null) {
      script = defaultScript(ctx.wiring().configs(p));
    }
    ProjectConfigs configs = ctx.wiring().configs(p);
    TerminalEvents events = TerminalEvents.of(ctx);
    Duration perRun = timeout == null ? null : Durations.require(timeout, "--timeout");
    SubmitRequest request =
        new SubmitRequest(
                p, runConfiguration, projectRelative(ctx, p, script), args, Map.of(), null, perRun)
            .onTarget(target);
    RunConfiguration rc = configs.runConfiguration(runConfiguration).value();
    if (!rc.tracked()) {
      // not recorded in any history, so never through a server: here, with labrun's own terminal
      ctx.requireOwnProcess(); // the script gets labrun's own stdin, stdout and stderr
      return untracked(p, configs, request, events);
    }
    if (retries != null && (retries < 0 || retries > 100)) {
      throw LabrunException.badInput("--retries must be from 0 to 100, got " + retries);
    }
    if (detach && retries != null && retries > 0) {
      throw LabrunException.badInput(
          "--retries needs labrun watching the run to try it again; drop --detach, or run it as a"
              + " sweep with --detach");
    }
    RetryPolicy policy = RetryPolicy.of(retries != null ? retries : rc.retriesOrDefault());
    String runId =
        ctx.runs()
            .submit(
                new Runs.Submission(request, policy, detach), new SubmitWatch(ctx, events, policy));
    if (detach) {
      if (rc.retriesOrDefault() > 0) {
        ctx.warn(
            "a detached run is not retried (Retries: "
                + rc.retriesOrDefault()
                + " in aml_config/"
                + rc.name()
                + ".runconfig)");
      }
      ctx.out().println(runId);
      ctx.out().flush();
      return 0;
    }
    return summarize(ctx.runs().info(runId));
  }

  /**
   * The 2018 format's {@code script}, relative to the project, for a submit that names no script.
   */
  private String defaultScript(ProjectConfigs configs) {
    String fromFile = configs.runConfiguration(runConfiguration).value().scriptPath();
    if (fromFile == null) {
      throw LabrunException.badInput(
          "no script given, and aml_config/"
              + runConfiguration
              + ".runconfig names none; usage: labrun experiment submit -c "
              + runConfiguration
              + " SCRIPT [ARGS...]");
    }
    return ctx.project(project.dir()).root().resolve(fromFile).toString();
  }

  private int untracked(
      Project p, ProjectConfigs configs, SubmitRequest request, TerminalEvents events) {
    RunPlanner.Resolved r = new RunPlanner(configs, events).resolve(request);
    RunPlan plan =
        new RunPlan(
            null,
            p,
            r.configuration(),
            r.target(),
            r.scriptArguments(),
            r.configuration().environment(),
            r.conda(),
            r.spark(),
            ctx.paths().runState("untracked"),
            p.root(),
            request.timeout());
    return ctx.wiring().targets().forSpec(r.target()).runUntracked(plan);
  }

  /**
   * The ended run ({@code Runs.info}): its record with {@code -o json}, else a summary on stderr.
   */
  private int summarize(Map<String, Object> info) {
    if (output.json()) {
      new Output(ctx.out(), output).record(info);
    } else {
      var err = ctx.err();
      err.println(
          "Run "
              + info.get("run_id")
              + " "
              + info.get("status")
              + " in "
              + info.get("duration")
              + (info.get("status_detail") == null ? "" : " (" + info.get("status_detail") + ")"));
      if (info.get("metrics") instanceof Map<?, ?> metrics) {
        metrics.forEach(
            (name, summary) ->
                err.println("  metric   " + name + " = " + metric((Map<?, ?>) summary)));
      }
      if (info.get("attachments") instanceof List<?> artifacts) {
        for (Object a : artifacts) {
          Map<?, ?> artifact = (Map<?, ?>) a;
          err.println(
              "  artifact "
                  + artifact.get("path")
                  + " ("
                  + RunOutput.size(((Number) artifact.get("size")).longValue())
                  + ")");
        }
      }
      err.flush();
    }
    return RunStatus.COMPLETED.display().equals(info.get("status"))
        ? 0
        : ExitCode.RUN_FAILED.code();
  }

  /** A metric's last value as text, and how many points it has when more than one. */
  private static String metric(Map<?, ?> summary) {
    String text = RunOutput.lastValue(summary.get("last"));
    long count = ((Number) summary.get("count")).longValue();
    return text + (count > 1 ? "  (" + count + " points)" : "");
  }

  /**
   * {@code -c}, or with only {@code -t TARGET} the run configuration named as the target, as the
   * original's attach wrote one per target.
   */
  private String runConfigurationName() {
    if (runConfiguration != null) {
      return runConfiguration;
    }
    if (target == null) {
      throw LabrunException.badInput(
          "say where to run: -c RUNCONFIG (a file in aml_config/, e.g. -c local), or -t TARGET");
    }
    return target;
  }

  /** A script path as the user typed it, made relative to the project root. */
  static String projectRelative(CliContext ctx, Project p, String typed) {
    String given = RunPlanner.withSlashes(ctx.cwd(), typed);
    Path fromCwd = ctx.cwd().resolve(given).normalize();
    if (fromCwd.startsWith(p.root())
        && (Files.exists(fromCwd) || !Files.exists(p.root().resolve(given)))) {
      return p.root().relativize(fromCwd).toString();
    }
    return given;
  }
}
