package io.labrun.core.submit;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.CondaDependencies;
import io.labrun.core.config.Framework;
import io.labrun.core.config.Loaded;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.SparkDependencies;
import io.labrun.core.error.LabrunException;
import io.labrun.core.project.Project;
import io.labrun.core.tracking.RunEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Resolves a submit request against the project's files: the run configuration, its compute
 * target (as the configuration changes it: {@link RunConfiguration#effectiveTarget}), the dependency
 * files it names, and the script (the 2018 format's {@code script} when the request names none),
 * which must be a file inside the project.
 * Every problem is a one-line {@link LabrunException} before anything is recorded.
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
    if (rc.target() == null || rc.target().isBlank()) {
      throw LabrunException.badInput("aml_config/" + rc.name() + ".runconfig has no 'Target'; set it to one of: " + String.join(", ", configs.computeTargetNames()));
    }
    ComputeTargetSpec target = rc.effectiveTarget(warnAndGet(configs.computeTarget(rc.target())));
    String script = scriptPath(project, request.script() == null || request.script().isBlank() ? rc.scriptPath() : request.script());
    CondaDependencies conda = warnAndGet(configs.condaDependencies(rc.condaFile()));
    SparkDependencies spark = rc.frameworkOrDefault() != Framework.PYSPARK ? SparkDependencies.empty()
        // the 2018 format writes the Spark packages in the run configuration itself
        : rc.sparkDependencies() != null ? rc.sparkDependencies() : warnAndGet(configs.sparkDependencies(rc.sparkFile()));
    return new Resolved(project, rc, target, script, rc.expandArguments(script, request.arguments()), conda, spark);
  }

  private <T> T warnAndGet(Loaded<T> loaded) {
    loaded.warnings().forEach(w -> events.progress("warning: " + w));
    return loaded.value();
  }

  /** The script as a path relative to the project root, with {@code /} separators. */
  static String scriptPath(Project project, String given) {
    if (given == null || given.isBlank()) {
      throw LabrunException.badInput("no script given; usage: labrun experiment submit -c RUNCONFIG SCRIPT [ARGS...] (or name it as 'script:' in a 2018-format .runconfig)");
    }
    Path p = project.file(given, "script");
    if (Files.isDirectory(p)) {
      throw LabrunException.badInput("script " + given + " is a folder, not a file; give the script to run, e.g. " + given.replaceAll("/+$", "") + "/train.py");
    }
    if (!Files.isRegularFile(p)) {
      throw LabrunException.badInput("script " + given + " not found in the project " + project.root());
    }
    return project.root().relativize(p).toString().replace('\\', '/');
  }
}
