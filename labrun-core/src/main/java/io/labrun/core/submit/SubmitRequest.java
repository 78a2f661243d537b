package io.labrun.core.submit;

import io.labrun.core.project.Project;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the user asked for: {@code labrun experiment submit -c RUNCONFIG SCRIPT ARGS...}.
 *
 * @param params values recorded as the run's params (a sweep's grid values), may be empty
 * @param timeout null for none
 */
public record SubmitRequest(
    Project project,
    String runConfiguration,
    String script,
    List<String> arguments,
    Map<String, String> params,
    String sweepId,
    Duration timeout) {

  public SubmitRequest {
    arguments = List.copyOf(arguments);
    params = params == null ? Map.of() : Map.copyOf(params);
  }

  public static SubmitRequest of(Project project, String runConfiguration, String script, List<String> arguments) {
    return new SubmitRequest(project, runConfiguration, script, arguments, Map.of(), null, null);
  }
}
