package io.labrun.cli.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import io.labrun.cli.spark.YarnCluster;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.nio.file.Files;
import java.time.Duration;

/**
 * What the contract expects of a Python driver in YARN's ApplicationMaster container (cluster
 * deploy mode), wherever {@code spark-submit} runs (this machine, a head node).
 *
 * <p>Spark's ApplicationMaster requires a driver in cluster mode to start a SparkContext (else YARN
 * fails the application: "User did not initialize spark context!"): as any PySpark job does, each
 * contract script starts one first, on its first line, so that its line numbers stay as written
 * (through {@code sparkgw.py}, the test Spark's Py4J client, as pyspark would).
 */
final class YarnClusterMode {
  /** An ApplicationMaster container and a SparkContext start first: most of a minute under load. */
  static final Duration PATIENCE = Duration.ofMinutes(4);

  private YarnClusterMode() {}

  /** Writes a contract file; a Python script starts a SparkContext first. */
  static void write(ComputeTargetContract c, YarnCluster yarn, String name, String content)
      throws Exception {
    Files.writeString(c.project.resolve("sparkgw.py"), yarn.spark.gatewayModule());
    Files.writeString(
        c.project.resolve(name),
        name.endsWith(".py") ? YarnCluster.withSparkContext(content) : content);
  }

  /**
   * As in client mode, Spark's PythonRunner merges the driver's stderr into its stdout (here the
   * container's): the script's error line is in the run's output, its exit code the run's.
   */
  static void aNonZeroExitFailsTheRunWithItsCode(ComputeTargetContract c) throws Exception {
    c.write("boom.py", "import sys\nprint('ValueError: bad data', file=sys.stderr)\nsys.exit(3)\n");
    Cli.Result r = c.cli.in(c.project, "experiment", "submit", "-c", "contract", "boom.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).contains("ValueError: bad data");
    assertThat(r.err()).contains("Failed").contains("exit code 3");
    Run run = c.run(c.lastRunId());
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.exitCode()).isEqualTo(3);
  }
}
