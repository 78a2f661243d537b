package io.labrun.compute.cluster;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.environment.Executables;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The Spark installation a target submits with on this machine: its {@code spark-submit} and its
 * {@code SPARK_HOME} (the launcher library needs both to agree). Found from the target's {@code
 * sparkSubmitLocation} when it is a path, else from {@code SPARK_HOME}, else from {@code PATH}.
 */
record SparkInstall(Path sparkSubmit, Path sparkHome) {

  static SparkInstall find(ComputeTargetSpec spec, Map<String, String> env) {
    String configured = spec.sparkSubmitLocation();
    String where = "aml_config/" + spec.name() + ".compute";
    if (configured != null && configured.contains("/")) {
      Path p =
          Path.of(
              configured.startsWith("~/")
                  ? env.getOrDefault("HOME", System.getProperty("user.home"))
                      + configured.substring(1)
                  : configured);
      if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
        throw new LabrunException(
            ExitCode.ENVIRONMENT,
            "spark-submit not found at "
                + configured
                + "; fix sparkSubmitLocation in "
                + where
                + " (the spark-submit of a Spark installation, e.g. /opt/spark/bin/spark-submit)");
      }
      return new SparkInstall(
          p,
          home(p)
              .or(() -> envHome(env))
              .orElseThrow(
                  () ->
                      new LabrunException(
                          ExitCode.ENVIRONMENT,
                          "cannot tell the Spark installation of "
                              + configured
                              + " (no jars/ folder next to its bin/); set SPARK_HOME")));
    }
    Optional<Path> fromEnv = envHome(env);
    if (fromEnv.isPresent()
        && (configured == null
            || configured.isBlank()
            || configured.equals(ComputeTargetSpec.DEFAULT_SPARK_SUBMIT))) {
      return new SparkInstall(fromEnv.get().resolve("bin/spark-submit"), fromEnv.get());
    }
    String name =
        configured == null || configured.isBlank()
            ? ComputeTargetSpec.DEFAULT_SPARK_SUBMIT
            : configured;
    Path found =
        Executables.find(name, env)
            .orElseThrow(
                () ->
                    new LabrunException(
                        ExitCode.ENVIRONMENT,
                        "'"
                            + name
                            + "' not found on PATH"
                            + (env.containsKey("SPARK_HOME")
                                ? " and SPARK_HOME="
                                    + env.get("SPARK_HOME")
                                    + " has no bin/spark-submit"
                                : " and SPARK_HOME is not set")
                            + "; set SPARK_HOME, or sparkSubmitLocation in "
                            + where
                            + " to the spark-submit of a Spark installation"));
    return new SparkInstall(
        found,
        home(found)
            .orElseThrow(
                () ->
                    new LabrunException(
                        ExitCode.ENVIRONMENT,
                        "cannot tell the Spark installation of "
                            + found
                            + " (no jars/ folder next to its bin/); set SPARK_HOME")));
  }

  /** {@code SPARK_HOME} when it holds a {@code bin/spark-submit}. */
  private static Optional<Path> envHome(Map<String, String> env) {
    String home = env.get("SPARK_HOME");
    if (home == null || home.isBlank()) {
      return Optional.empty();
    }
    Path submit = Path.of(home, "bin", "spark-submit");
    return Files.isExecutable(submit) ? Optional.of(Path.of(home)) : Optional.empty();
  }

  /** The installation a {@code bin/spark-submit} belongs to (symbolic links followed). */
  private static Optional<Path> home(Path sparkSubmit) {
    try {
      Path home = sparkSubmit.toRealPath().getParent().getParent();
      return home != null && Files.isDirectory(home.resolve("jars"))
          ? Optional.of(home)
          : Optional.empty();
    } catch (IOException | NullPointerException e) {
      return Optional.empty();
    }
  }

  /**
   * The master spark-submit would use when none is given: {@code spark.master} of the
   * installation's {@code spark-defaults.conf} ({@code SPARK_CONF_DIR} or {@code conf/}).
   */
  Optional<String> defaultMaster(Map<String, String> env) {
    Path confDir =
        env.containsKey("SPARK_CONF_DIR")
            ? Path.of(env.get("SPARK_CONF_DIR"))
            : sparkHome.resolve("conf");
    Path defaults = confDir.resolve("spark-defaults.conf");
    if (!Files.isRegularFile(defaults)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(defaults)) {
      p.load(in); // the format Spark reads it with (whitespace-separated key and value)
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.ofNullable(p.getProperty("spark.master"))
        .map(String::strip)
        .filter(s -> !s.isEmpty());
  }
}
