package io.labrun.cli.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import io.labrun.cli.spark.YarnCluster;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The compute-target contract on a {@code cluster} target with master YARN in cluster deploy mode
 * ({@code yarnDeployMode: cluster}, the original's default): each script runs as the Python driver
 * in YARN's ApplicationMaster container, with the run's working folder, variables and labrun's
 * logging API there, its output streamed back from the NodeManager and its {@code ./outputs} and
 * metrics brought back at its end.
 *
 * <p>Spark's ApplicationMaster requires a driver in cluster mode to start a SparkContext (else YARN
 * fails the application: "User did not initialize spark context!"): as any PySpark job does, each
 * contract script starts one first, on its first line, so that its line numbers stay as written
 * (through {@code sparkgw.py}, the test Spark's Py4J client, as pyspark would).
 */
class YarnClusterModeContractIT extends YarnTargetContractIT {
  @Override
  protected String deployMode() {
    return "cluster";
  }

  /** An ApplicationMaster container and a SparkContext start first: most of a minute under load. */
  @Override
  protected Duration patience() {
    return Duration.ofMinutes(4);
  }

  /**
   * As in client mode, Spark's PythonRunner merges the driver's stderr into its stdout (here the
   * container's): the script's error line is in the run's output, its exit code the run's.
   */
  @Test
  @Override
  void aNonZeroExitFailsTheRunWithItsCodeAndStderr() throws Exception {
    write("boom.py", "import sys\nprint('ValueError: bad data', file=sys.stderr)\nsys.exit(3)\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "contract", "boom.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).contains("ValueError: bad data");
    assertThat(r.err()).contains("Failed").contains("exit code 3");
    Run run = run(lastRunId());
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.exitCode()).isEqualTo(3);
  }

  @Override
  protected void write(String name, String content) throws Exception {
    Files.writeString(project.resolve("sparkgw.py"), yarn.spark.gatewayModule());
    super.write(name, name.endsWith(".py") ? YarnCluster.withSparkContext(content) : content);
  }
}
