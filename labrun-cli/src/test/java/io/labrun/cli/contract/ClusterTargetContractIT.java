package io.labrun.cli.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.spark.SparkCluster;
import io.labrun.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compute-target contract on a {@code cluster} target that submits from this machine to the
 * real standalone Spark master of {@code scripts/test-env/spark.sh}, through the real {@code
 * spark-submit}: the contract's scripts run as Python drivers, the way Spark's PythonRunner runs
 * any PySpark driver.
 */
class ClusterTargetContractIT extends ComputeTargetContract {
  static SparkCluster spark;

  @BeforeAll
  static void cluster() {
    spark = SparkCluster.require();
  }

  @Override
  protected Cli newCli(Path home) {
    return spark.cli(home);
  }

  @Override
  protected String target(Path project) throws Exception {
    Files.writeString(
        project.resolve("aml_config/spark.compute"),
        "type: cluster\nsparkMaster: \"" + spark.master + "\"\n");
    return "spark";
  }

  @Override
  protected String runConfigurationExtra() {
    return "Framework: PySpark";
  }

  @Override
  protected void assertNothingLeft(String runId) {
    await().atMost(Duration.ofSeconds(15)).until(() -> SparkCluster.processesOf(runId) == 0);
  }

  /**
   * The one difference is Spark's: its PythonRunner merges the driver's stderr into its own stdout,
   * so a Python driver's stderr lines arrive on stdout, in order.
   */
  @Test
  @Override
  void stdoutAndStderrStayApartAndTheRunCompletes() throws Exception {
    write(
        "streams.py",
        "import sys\nprint('out one')\nprint('err one', file=sys.stderr)\nprint('out two')\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "contract", "streams.py");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("out one\nerr one\nout two\n");
    assertThat(r.err()).contains("Completed");
    assertThat(run(lastRunId()).status()).isEqualTo(RunStatus.COMPLETED);
  }
}
