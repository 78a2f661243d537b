package io.labrun.cli.config;

import static io.labrun.cli.output.Output.fields;

import io.labrun.cli.CliContext;
import io.labrun.cli.ProjectOptions;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Framework;
import io.labrun.core.config.Loaded;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.environment.EnvironmentUse;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.TargetTypes;
import io.labrun.core.plan.RunPlanner;
import io.labrun.core.project.Project;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code labrun runconfiguration create|list|show}: the project's {@code .runconfig} files. */
@Command(
    name = "runconfiguration",
    mixinStandardHelpOptions = true,
    description = "Create, list, show and change run configurations (aml_config/<name>.runconfig).",
    subcommands = {
      RunConfigurationCommand.Create.class,
      RunConfigurationCommand.ListConfigs.class,
      RunConfigurationCommand.Show.class,
      KeyCommands.SetConfig.class,
      KeyCommands.UnsetConfig.class
    })
public final class RunConfigurationCommand {

  /** {@code runconfiguration create}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a run configuration for an existing compute target.")
  public static final class Create implements Runnable {
    private final CliContext ctx;
    @Mixin ProjectOptions project;

    @Option(
        names = {"-n", "--name"},
        required = true,
        description = "Name of the run configuration (file aml_config/<name>.runconfig).")
    String name;

    @Option(
        names = {"-t", "--target"},
        required = true,
        description = "Compute target it runs on (an aml_config/<target>.compute).")
    String target;

    @Option(
        names = {"-f", "--framework"},
        description = "Python or PySpark (default Python).")
    String framework;

    @Option(
        names = {"-e", "--env"},
        paramLabel = "NAME=VALUE",
        description = "An environment variable for the run (repeatable).")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(
        names = "--conda-file",
        paramLabel = "FILE",
        description =
            "Conda dependencies file, relative to the project (default"
                + " aml_config/conda_dependencies.yml).")
    String condaFile;

    @Option(
        names = "--spark-file",
        paramLabel = "FILE",
        description =
            "Spark dependencies file, relative to the project (default"
                + " aml_config/spark_dependencies.yml).")
    String sparkFile;

    @Option(
        names = "--prepare-environment",
        arity = "1",
        paramLabel = "true|false",
        description = "Build the environment as part of the run when it is missing.")
    Boolean prepare;

    @Option(
        names = "--tracked",
        arity = "1",
        paramLabel = "true|false",
        description = "Record runs in the history (default true).")
    Boolean tracked;

    @Option(
        names = {"-d", "--description"},
        description = "A description.")
    String description;

    @Option(names = "--force", description = "Replace an existing run configuration of that name.")
    boolean force;

    public Create(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      Project p = ctx.project(project.dir());
      ProjectConfigs configs = ctx.wiring().configs(p);
      TargetNames.check(name);
      env.keySet().stream()
          .filter(n -> !RunConfiguration.isVariableName(n))
          .findFirst()
          .ifPresent(
              n -> {
                throw LabrunException.badInput(
                    "--env "
                        + n
                        + "=...: '"
                        + n
                        + "' is not a valid environment variable name (it must not be empty or"
                        + " contain '=' or NUL)");
              });
      if (condaFile != null) {
        p.file(condaFile, "--conda-file");
      }
      if (sparkFile != null) {
        p.file(sparkFile, "--spark-file");
      }
      if (!configs.computeTargetNames().contains(target)) {
        throw LabrunException.badInput(
            "no compute target '"
                + target
                + "' in aml_config/ (known: "
                + String.join(", ", configs.computeTargetNames())
                + "); attach it first with 'labrun computetarget attach'");
      }
      if (!force && configs.runConfigurationNames().contains(name)) {
        throw LabrunException.badInput(
            "run configuration '"
                + name
                + "' exists already; pass --force to replace it or choose another --name");
      }
      Framework fw =
          framework == null
              ? Framework.PYTHON
              : Framework.parse(framework)
                  .orElseThrow(
                      () ->
                          LabrunException.badInput(
                              "--framework must be Python or PySpark, got \"" + framework + "\""));
      RunConfiguration rc;
      if (configs.runConfigurationNames().contains(name)) {
        // --force changes only what was given here; the rest of the file stays, in its form
        RunConfiguration given =
            new RunConfiguration(
                name,
                description,
                null,
                target,
                env,
                framework == null ? null : fw,
                condaFile,
                sparkFile,
                prepare,
                tracked,
                Map.of(),
                RunConfiguration.Form.YAML);
        rc = given.over(configs.runConfiguration(name).value());
      } else {
        rc =
            new RunConfiguration(
                name,
                description,
                List.of(RunConfiguration.FILE_PLACEHOLDER),
                target,
                env,
                fw,
                condaFile == null ? RunConfiguration.DEFAULT_CONDA_FILE : condaFile,
                sparkFile == null ? RunConfiguration.DEFAULT_SPARK_FILE : sparkFile,
                prepare == null ? Boolean.FALSE : prepare,
                tracked == null ? Boolean.TRUE : tracked,
                Map.of(),
                RunConfiguration.Form.YAML);
      }
      configs.writeRunConfiguration(rc);
      ctx.out()
          .println(
              "Created run configuration '"
                  + name
                  + "' (aml_config/"
                  + name
                  + ".runconfig) for target '"
                  + target
                  + "'.");
      ctx.out().flush();
    }
  }

  /** {@code runconfiguration list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the project's run configurations.")
  public static final class ListConfigs implements Runnable {
    private final CliContext ctx;
    @Mixin ProjectOptions project;
    @Mixin OutputOptions output;

    public ListConfigs(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      ProjectConfigs configs = ctx.wiring().configs(ctx.project(project.dir()));
      List<Map<String, Object>> rows = new ArrayList<>();
      ListedFiles.read(ctx, configs.runConfigurationNames(), configs::runConfiguration)
          .forEach(
              (n, c) ->
                  rows.add(
                      fields(
                          "name",
                          n,
                          "target",
                          c.target(),
                          "framework",
                          c.frameworkOrDefault().configName(),
                          "tracked",
                          c.tracked(),
                          "prepare_environment",
                          c.prepares())));
      new Output(ctx.out(), output)
          .rows(rows, List.of("name", "target", "framework", "tracked", "prepare_environment"));
    }
  }

  /** {@code runconfiguration show NAME}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a run configuration.")
  public static final class Show implements Runnable {
    private final CliContext ctx;
    @Mixin ProjectOptions project;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "NAME", description = "The run configuration's name.")
    String name;

    public Show(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      ProjectConfigs configs = ctx.wiring().configs(ctx.project(project.dir()));
      Loaded<RunConfiguration> l = configs.runConfiguration(name);
      l.warnings().forEach(ctx::warn);
      RunConfiguration c = l.value();
      RunConfigurationView.noteCloudBlocks(c, ctx::warn);
      Map<String, Object> m = RunConfigurationView.settings(c);
      if (!c.otherKeys().isEmpty()) {
        m.put("other_keys", new LinkedHashMap<>(c.otherKeys()));
      }
      m.put("plan", RunConfigurationView.plan(c, configs));
      inertEnvironmentNote(configs, c).ifPresent(note -> m.put("note", note));
      new Output(ctx.out(), output).record(m);
    }

    /**
     * Said here once rather than on every run: on a target that runs its interpreter as it is
     * whatever is asked (the original's local one) the environment keys are inert.
     */
    private static Optional<String> inertEnvironmentNote(
        ProjectConfigs configs, RunConfiguration c) {
      if (c.target() == null) {
        return Optional.empty();
      }
      ComputeTargetSpec target;
      try {
        target = RunPlanner.target(configs, c, c.target()).value();
      } catch (LabrunException e) {
        return Optional.empty(); // its own show says what is wrong with it
      }
      if (TargetTypes.installed().environment(target, c) != EnvironmentUse.AS_IS_WHATEVER_ASKED) {
        return Optional.empty();
      }
      String prepare =
          c.form() == RunConfiguration.Form.YAML_2018 ? "prepareEnvironment" : "PrepareEnvironment";
      return Optional.of(
          "on the "
              + target.type().configName()
              + " target '"
              + target.name()
              + "' "
              + prepare
              + " and the conda dependencies file have no effect: runs use "
              + target.python()
              + " as it is and install nothing");
    }
  }
}
