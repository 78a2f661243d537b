package io.labrun.core.plan;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.CondaDependencies;
import io.labrun.core.config.Framework;
import io.labrun.core.config.Loaded;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.SparkDependencies;
import io.labrun.core.error.LabrunException;
import io.labrun.core.project.Project;
import io.labrun.core.run.RunEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a submit request against the project's files: the run configuration, its compute target
 * (as the configuration changes it: {@link RunConfiguration#effectiveTarget}), the dependency files
 * it names, and the script (the 2018 format's {@code script} when the request names none), which
 * must be a file inside the project. Every problem is a one-line {@link LabrunException} before
 * anything is recorded.
 */
public final class RunPlanner {
  private final ProjectConfigs configs;
  private final RunEvents events;

  public RunPlanner(ProjectConfigs configs, RunEvents events) {
    this.configs = configs;
    this.events = events;
  }

  /** The resolved inputs of a run, before it has an id. */
  public record Resolved(
      Project project,
      RunConfiguration configuration,
      ComputeTargetSpec target,
      String script,
      List<String> scriptArguments,
      CondaDependencies conda,
      SparkDependencies spark) {}

  public Resolved resolve(SubmitRequest request) {
    Project project = request.project();
    RunConfiguration rc = warnAndGet(configs.runConfiguration(request.runConfiguration()));
    String targetName = request.target() != null ? request.target() : rc.target();
    if (targetName == null || targetName.isBlank()) {
      throw LabrunException.badInput(
          "aml_config/"
              + rc.name()
              + ".runconfig has no 'Target'; set it to one of: "
              + String.join(", ", configs.computeTargetNames())
              + " (or give one with -t TARGET)");
    }
    ComputeTargetSpec target = warnAndGet(target(configs, rc, targetName));
    String script =
        scriptPath(
            project,
            request.script() == null || request.script().isBlank()
                ? rc.scriptPath()
                : request.script());
    requireCondaFile(project, rc, target);
    CondaDependencies conda =
        target.installsNothing(rc)
            ? CondaDependencies.empty()
            : warnAndGet(configs.condaDependencies(rc.condaFile()));
    SparkDependencies spark =
        rc.frameworkOrDefault() != Framework.PYSPARK
            ? SparkDependencies.empty()
            // the 2018 format writes the Spark packages in the run configuration itself
            : rc.sparkDependencies() != null
                ? rc.sparkDependencies()
                : warnAndGet(configs.sparkDependencies(rc.sparkFile()));
    return new Resolved(
        project, rc, target, script, rc.expandArguments(script, request.arguments()), conda, spark);
  }

  /**
   * The compute target {@code name} as runs of {@code rc} use it: its {@code .compute} file as the
   * configuration changes it ({@link RunConfiguration#effectiveTarget}). A 2018-format
   * configuration may name {@code local} without a {@code local.compute}: that format had the
   * target built in (this machine's Python, {@code interpreterPath}).
   */
  public static Loaded<ComputeTargetSpec> target(
      ProjectConfigs configs, RunConfiguration rc, String name) {
    Optional<ComputeTargetSpec> builtIn =
        configs.computeTargetNames().contains(name) ? Optional.empty() : rc.builtInTarget(name);
    Loaded<ComputeTargetSpec> file =
        builtIn.map(Loaded::clean).orElseGet(() -> configs.computeTarget(name));
    return new Loaded<>(rc.effectiveTarget(file.value()), file.warnings());
  }

  /**
   * A run configuration that asks for its environment to be built (PrepareEnvironment: true) on a
   * target that builds one (a Docker image) needs its conda dependencies file: without it the
   * "environment" would be the base image as is, which is not what the file asked for.
   */
  public static void requireCondaFile(
      Project project, RunConfiguration rc, ComputeTargetSpec target) {
    if (!rc.prepares()
        || !target.type().usesDocker()
        || Boolean.TRUE.equals(rc.userManagedDependencies())
        || Boolean.TRUE.equals(target.userManagedEnvironment())) {
      return;
    }
    if (!Files.exists(project.file(rc.condaFile(), "CondaDependenciesFile"))) {
      throw LabrunException.badInput(
          "aml_config/"
              + rc.name()
              + ".runconfig says PrepareEnvironment: true, but its CondaDependenciesFile "
              + rc.condaFile()
              + " does not exist; create it (labrun project init writes one) or set"
              + " PrepareEnvironment: false");
    }
  }

  private <T> T warnAndGet(Loaded<T> loaded) {
    loaded.warnings().forEach(w -> events.progress("warning: " + w));
    return loaded.value();
  }

  /**
   * {@code given} with its backslashes turned into {@code /} when only that names a file under
   * {@code dir}: the original also ran on Windows, and its READMEs say {@code .\code\train.py}.
   */
  public static String withSlashes(Path dir, String given) {
    if (given == null || given.indexOf('\\') < 0 || Files.exists(dir.resolve(given))) {
      return given;
    }
    String slashed = given.replace('\\', '/');
    return Files.exists(dir.resolve(slashed)) ? slashed : given;
  }

  /** The script as a path relative to the project root, with {@code /} separators. */
  static String scriptPath(Project project, String given) {
    if (given == null || given.isBlank()) {
      throw LabrunException.badInput(
          "no script given; usage: labrun experiment submit -c RUNCONFIG SCRIPT [ARGS...] (or name"
              + " it as 'script:' in a 2018-format .runconfig)");
    }
    Path p = project.file(withSlashes(project.root(), given), "script");
    if (Files.isDirectory(p)) {
      throw LabrunException.badInput(
          "script "
              + given
              + " is a folder, not a file; give the script to run, e.g. "
              + given.replaceAll("/+$", "")
              + "/train.py");
    }
    if (!Files.isRegularFile(p)) {
      throw LabrunException.badInput(
          "script " + given + " not found in the project " + project.root());
    }
    return project.root().relativize(p).toString().replace('\\', '/');
  }
}
