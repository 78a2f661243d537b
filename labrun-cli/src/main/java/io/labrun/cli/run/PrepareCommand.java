package io.labrun.cli.run;

import io.labrun.cli.CliContext;
import io.labrun.cli.ProjectOptions;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.CondaDependencies;
import io.labrun.core.config.Loaded;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.environment.EnvironmentRequest;
import io.labrun.core.environment.PreparedEnvironment;
import io.labrun.core.history.RunView;
import io.labrun.core.plan.RunPlanner;
import io.labrun.core.project.Project;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code labrun experiment prepare -c RUNCONFIG}: build (or find) a run configuration's environment
 * ahead of its runs.
 */
@Command(
    name = "prepare",
    mixinStandardHelpOptions = true,
    description = {
      "Build the environment of a run configuration's target ahead of a run, or find it built.",
      "It is a Docker image from baseDockerImage and the conda dependencies, or a cached venv for a"
          + " local target",
      "whose .compute says labrunLocalVenv: true (other local targets run their interpreter as"
          + " is).",
      "Prints the environment id and whether it was there already."
    })
public final class PrepareCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Mixin ProjectOptions project;
  @Mixin OutputOptions output;

  @Option(
      names = {"-c", "--run-configuration"},
      required = true,
      paramLabel = "RUNCONFIG",
      description = "Run configuration (aml_config/<name>.runconfig).")
  String runConfiguration;

  public PrepareCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Project p = ctx.project(project.dir());
    ProjectConfigs configs = ctx.wiring().configs(p);
    TerminalEvents events = TerminalEvents.of(ctx);
    RunConfiguration rc = warned(configs.runConfiguration(runConfiguration), events);
    ComputeTargetSpec target = warned(RunPlanner.target(configs, rc, rc.target()), events);
    RunPlanner.requireCondaFile(p, rc, target);
    CondaDependencies conda = warned(configs.condaDependencies(rc.condaFile()), events);
    EnvironmentRequest request = new EnvironmentRequest(p, rc, conda, rc.environment(), null, true);
    PreparedEnvironment env =
        ctx.wiring().targets().forSpec(target).prepareEnvironment(request, events);
    if (output.json()) {
      new Output(ctx.out(), output)
          .record(
              Output.fields(
                  "environment_id",
                  env.id(),
                  "reference",
                  env.reference(),
                  "cached",
                  env.cached(),
                  "seconds",
                  env.took().toMillis() / 1000.0));
    } else {
      ctx.out()
          .println(
              "Environment "
                  + env.id()
                  + " ("
                  + env.reference()
                  + "): "
                  + (env.cached()
                      ? "cached, nothing to build"
                      : "built in " + RunView.duration(env.took())));
      ctx.out().flush();
    }
    return 0;
  }

  private static <T> T warned(Loaded<T> loaded, TerminalEvents events) {
    loaded.warnings().forEach(w -> events.progress("warning: " + w));
    return loaded.value();
  }
}
