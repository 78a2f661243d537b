package io.labrun.core.plan;

import io.labrun.core.project.Project;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the user asked for: {@code labrun experiment submit -c RUNCONFIG SCRIPT ARGS...}.
 *
 * @param params values recorded as the run's params (a sweep's grid values), may be empty
 * @param timeout null for the run configuration's {@code Timeout} (or none)
 * @param attempt 1 for a first run, n for its n-th try (see {@code RetryPolicy})
 * @param retryOf the id of the first attempt when this is a retry, else null
 * @param target the compute target to run on instead of the run configuration's ({@code submit
 *     -t}), or null
 */
public record SubmitRequest(
    Project project,
    String runConfiguration,
    String script,
    List<String> arguments,
    Map<String, String> params,
    String sweepId,
    Duration timeout,
    int attempt,
    String retryOf,
    String target) {

  /** Recorded with every retry: the id of the first attempt, common to all attempts of a run. */
  public static final String RETRY_OF = "retry_of";

  public SubmitRequest {
    arguments = List.copyOf(arguments);
    params = params == null ? Map.of() : Map.copyOf(params);
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt counts from 1");
    }
  }

  public SubmitRequest(
      Project project,
      String runConfiguration,
      String script,
      List<String> arguments,
      Map<String, String> params,
      String sweepId,
      Duration timeout) {
    this(project, runConfiguration, script, arguments, params, sweepId, timeout, 1, null, null);
  }

  public static SubmitRequest of(
      Project project, String runConfiguration, String script, List<String> arguments) {
    return new SubmitRequest(project, runConfiguration, script, arguments, Map.of(), null, null);
  }

  /** The next try of the run {@code firstRunId} (this request's first attempt). */
  public SubmitRequest retry(String firstRunId) {
    return attempt(attempt + 1, firstRunId);
  }

  /** This request as try {@code n} of the run {@code firstRunId} (null for the first try). */
  public SubmitRequest attempt(int n, String firstRunId) {
    return new SubmitRequest(
        project,
        runConfiguration,
        script,
        arguments,
        params,
        sweepId,
        timeout,
        n,
        firstRunId,
        target);
  }

  /**
   * This request on compute target {@code name} instead of the run configuration's ({@code submit
   * -t}); null keeps the configuration's.
   */
  public SubmitRequest onTarget(String name) {
    return new SubmitRequest(
        project,
        runConfiguration,
        script,
        arguments,
        params,
        sweepId,
        timeout,
        attempt,
        retryOf,
        name);
  }
}
