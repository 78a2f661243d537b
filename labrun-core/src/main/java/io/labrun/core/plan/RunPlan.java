package io.labrun.core.plan;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.CondaDependencies;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.SparkDependencies;
import io.labrun.core.project.Project;
import io.labrun.core.run.Run;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a compute target needs to start one run, resolved from the project's files.
 *
 * @param scriptArguments the expanded argument vector: the script first, then its arguments
 * @param environment variables the run configuration sets (unredacted; only the run record redacts)
 * @param stateDir this machine's folder for the run's state (logs, exit record, collected results)
 * @param workDir the run's working folder, materialized from the snapshot (the project folder
 *     itself for an untracked run)
 * @param timeout null for none
 */
public record RunPlan(
    Run run,
    Project project,
    RunConfiguration configuration,
    ComputeTargetSpec target,
    List<String> scriptArguments,
    Map<String, String> environment,
    CondaDependencies conda,
    SparkDependencies spark,
    Path stateDir,
    Path workDir,
    Duration timeout) {

  public String runId() {
    return run.id();
  }
}
