package io.labrun.compute.cluster;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.error.LabrunException;
import io.labrun.core.plan.RunPlan;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a YARN run's Spark driver runs, as the original's files say it: {@code hdi.yarnDeployMode}
 * of a 2018-format run configuration, else {@code yarnDeployMode} of the {@code cluster} target's
 * {@code .compute} file, else {@code cluster}, which the original's files used. {@code client}: the
 * driver runs where {@code spark-submit} runs, under the run's supervisor; {@code cluster}: in
 * YARN's ApplicationMaster container. Passed as {@code --deploy-mode} to YARN masters only.
 */
final class YarnDeployMode {
  /** The {@code .compute} key, as the original's HDInsight targets wrote it. */
  static final String KEY = "yarnDeployMode";

  static final String DEFAULT = "cluster";

  private YarnDeployMode() {}

  /**
   * The run's {@code --deploy-mode}, or null when the master is not YARN (spark-submit's default).
   */
  static String of(RunPlan plan, ComputeTargetSpec spec, String master) {
    return of(
        master,
        plan.configuration().yarnDeployMode(),
        "aml_config/" + plan.configuration().name() + ".runconfig",
        spec.otherKeys().get(KEY),
        "aml_config/" + spec.name() + ".compute");
  }

  static String of(
      String master, String fromRun, String runFile, Object fromTarget, String computeFile) {
    if (master == null || !SparkMaster.isYarn(master)) {
      return null;
    }
    if (fromRun != null && !fromRun.isBlank()) {
      return checked(fromRun, "hdi.yarnDeployMode in " + runFile);
    }
    if (fromTarget != null && !fromTarget.toString().isBlank()) {
      return checked(fromTarget.toString(), KEY + " in " + computeFile);
    }
    return DEFAULT;
  }

  private static String checked(String value, String where) {
    problem(KEY, value)
        .ifPresent(
            p -> {
              throw LabrunException.badInput(
                  where + " must be cluster or client, got '" + value + "'");
            });
    return value.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * What is wrong with a value of {@code key}, as the project format reports it when it reads the
   * file.
   */
  static Optional<String> problem(String key, String value) {
    String mode = value.strip().toLowerCase(Locale.ROOT);
    return mode.equals("client") || mode.equals("cluster")
        ? Optional.empty()
        : Optional.of("'" + key + "' must be cluster or client, got \"" + value + "\"");
  }
}
