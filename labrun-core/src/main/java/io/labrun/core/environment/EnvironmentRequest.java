package io.labrun.core.environment;

import io.labrun.core.config.CondaDependencies;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.project.Project;
import java.nio.file.Path;
import java.util.Map;

/**
 * The environment a run configuration needs, as {@code labrun experiment prepare} or a run asks for
 * it.
 *
 * @param buildLog where a build writes its log (the run's state folder for a run)
 * @param mayBuild false when a missing environment must fail fast ({@code PrepareEnvironment:
 *     false} on a run) instead of being built
 */
public record EnvironmentRequest(
    Project project,
    RunConfiguration configuration,
    CondaDependencies conda,
    Map<String, String> variables,
    Path buildLog,
    boolean mayBuild) {

  public EnvironmentRequest {
    variables = variables == null ? Map.of() : Map.copyOf(variables);
  }

  /**
   * What a run needs: built if missing only when its configuration says {@code PrepareEnvironment:
   * true}.
   */
  public static EnvironmentRequest of(RunPlan plan) {
    return new EnvironmentRequest(
        plan.project(),
        plan.configuration(),
        plan.conda(),
        plan.environment(),
        plan.stateDir().resolve("build.log"),
        plan.configuration().prepares());
  }

  /** This request, built when missing whatever the run configuration says. */
  public EnvironmentRequest buildable() {
    return new EnvironmentRequest(project, configuration, conda, variables, buildLog, true);
  }

  /** The message for a missing environment that may not be built here. */
  public String missingMessage(String id, String what) {
    String key =
        configuration.form() == RunConfiguration.Form.YAML_2018
            ? "prepareEnvironment"
            : "PrepareEnvironment";
    return what
        + " "
        + id
        + " for run configuration '"
        + configuration.name()
        + "' is not built and aml_config/"
        + configuration.name()
        + ".runconfig says "
        + key
        + ": false; run 'labrun experiment prepare -c "
        + configuration.name()
        + "' first (or set "
        + key
        + ": true)";
  }
}
