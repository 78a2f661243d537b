package io.labrun.cli.config;

import static io.labrun.cli.output.Output.fields;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.CondaDependencies;
import io.labrun.core.config.DockerSection;
import io.labrun.core.config.Framework;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.SparkDependencies;
import io.labrun.core.config.TargetType;
import io.labrun.core.environment.EnvironmentUse;
import io.labrun.core.environment.ImageRecipe;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.TargetTypes;
import io.labrun.core.plan.RunPlanner;
import io.labrun.core.run.Redaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What {@code runconfiguration show} prints: the file's settings in either format, and the plan of
 * its runs (which target type, image and interpreter, which packages), resolved as a submit
 * resolves them, without running anything.
 */
final class RunConfigurationView {
  /** The {@code .compute} key of the kinds a configuration's {@code yarnDeployMode} is for. */
  private static final String YARN_DEPLOY_MODE = "yarnDeployMode";

  private RunConfigurationView() {}

  static Map<String, Object> settings(RunConfiguration c) {
    boolean newer = c.form() == RunConfiguration.Form.YAML_2018;
    Map<String, Object> m =
        fields(
            "name",
            c.name(),
            "description",
            c.description(),
            "target",
            c.target(),
            "framework",
            c.frameworkOrDefault().configName(),
            "script",
            c.script(),
            newer ? "arguments" : "argument_vector",
            Redaction.arguments(
                newer ? Objects.requireNonNullElse(c.argumentVector(), List.of()) : c.arguments()),
            "environment_variables",
            new LinkedHashMap<>(Redaction.named(c.environment())),
            "conda_dependencies_file",
            c.condaFile(),
            "spark_dependencies_file",
            newer ? null : c.sparkFile(),
            "prepare_environment",
            c.prepares(),
            "tracked_run",
            c.tracked(),
            "user_managed_dependencies",
            c.userManagedDependencies(),
            "interpreter_path",
            c.interpreterPath(),
            "docker",
            c.docker() == null ? null : docker(c.docker()),
            "spark_packages",
            c.sparkDependencies() == null ? null : coordinates(c.sparkDependencies()),
            "spark_repositories",
            c.sparkDependencies() == null ? null : c.sparkDependencies().repositories(),
            "spark_configuration",
            c.sparkDependencies() == null
                ? null
                : Redaction.named(c.sparkDependencies().configuration()),
            "yarn_deploy_mode",
            c.yarnDeployMode(),
            "form",
            switch (c.form()) {
              case LEGACY_JSON -> "json (legacy)";
              case YAML_2018 -> "yaml (2018 format)";
              case YAML -> "yaml";
            });
    m.values().removeIf(Objects::isNull);
    return m;
  }

  /** The cloud blocks, said once, here, and not on every run. */
  static void noteCloudBlocks(RunConfiguration c, Consumer<String> warn) {
    if (!c.cloudBlocks().isEmpty()) {
      warn.accept(
          "aml_config/"
              + c.name()
              + ".runconfig: "
              + String.join(", ", c.cloudBlocks())
              + " (Azure ML's cloud compute) kept as written, without effect in labrun");
    }
  }

  /**
   * How runs of {@code c} go, or why that cannot be told (its target missing, a file unreadable).
   */
  static Object plan(RunConfiguration c, ProjectConfigs configs) {
    try {
      return planOf(c, configs);
    } catch (LabrunException e) {
      return "cannot be planned: " + e.getMessage();
    }
  }

  private static Map<String, Object> planOf(RunConfiguration c, ProjectConfigs configs) {
    ComputeTargetSpec t = RunPlanner.target(configs, c, c.target()).value();
    boolean spark = c.frameworkOrDefault() == Framework.PYSPARK;
    boolean docker = t.type().usesDocker();
    EnvironmentUse use = TargetTypes.installed().environment(t, c);
    boolean built = use.isBuilt();
    CondaDependencies conda = built ? configs.condaDependencies(c.condaFile()).value() : null;
    SparkDependencies sparkDeps =
        !spark
            ? null
            : c.sparkDependencies() != null
                ? c.sparkDependencies()
                : configs.sparkDependencies(c.sparkFile()).value();
    Map<String, Object> m =
        fields(
            "runs_on",
                t.type().configName()
                    + (c.docker() != null && c.docker().isEnabled() && t.type().usesDocker()
                        ? " (environment.docker.enabled)"
                        : ""),
            "image", docker ? t.baseDockerImage() : null,
            "interpreter", interpreter(c, t, spark, built),
            "environment",
                built
                    ? "prepared by labrun from "
                        + c.condaFile()
                        + (use == EnvironmentUse.BUILT_WITH_THE_RUN
                            ? " as part of the run"
                            : " by 'labrun experiment prepare'")
                    : "used as it is, nothing installed",
            "conda_packages", conda == null ? null : conda.condaPackages(),
            "pip_packages", conda == null ? null : conda.pipPackages(),
            "spark_packages", sparkDeps == null ? null : coordinates(sparkDeps),
            "yarn_deploy_mode",
                c.yarnDeployMode() == null ? null : c.yarnDeployMode() + yarnNote(t.type()));
    m.values().removeIf(Objects::isNull);
    return m;
  }

  /** Said when {@code kind} is not one whose targets read {@code yarnDeployMode}. */
  private static String yarnNote(TargetType kind) {
    List<TargetType> readers = TargetTypes.installed().kindsReading(YARN_DEPLOY_MODE);
    if (readers.contains(kind)) {
      return "";
    }
    return " (for "
        + String.join(" and ", readers.stream().map(TargetType::configName).toList())
        + " targets)";
  }

  private static String interpreter(
      RunConfiguration c, ComputeTargetSpec t, boolean spark, boolean built) {
    String program = spark ? t.sparkSubmit() + " with " : "";
    if (t.type().usesDocker()) {
      return program
          + (built
              ? ImageRecipe.PYTHON + " of an image built on " + t.baseDockerImage()
              : t.python() + " of the image");
    }
    return program + (built ? "a venv of " + t.python() : t.python());
  }

  private static Map<String, Object> docker(DockerSection d) {
    Map<String, Object> m =
        fields(
            "enabled",
            d.isEnabled(),
            "base_image",
            d.baseImage(),
            "shared_volumes",
            d.sharedVolumes(),
            "gpu_support",
            d.gpuSupport(),
            // the registry's address only: never its user name or password
            "base_image_registry",
            d.registryAddress());
    m.values().removeIf(Objects::isNull);
    return m;
  }

  private static List<String> coordinates(SparkDependencies s) {
    List<String> out = new ArrayList<>();
    s.packages().forEach(p -> out.add(p.coordinate()));
    return out;
  }
}
