package io.labrun.cli.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.spark.SparkCluster;
import io.labrun.core.run.RunStatus;
import io.labrun.ssh.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compute-target contract on a {@code cluster} target with an address: the test OpenSSH server
 * is the head node, where {@code spark-submit} submits the contract's scripts as Python drivers to
 * the real standalone master.
 */
class HeadNodeTargetContractIT extends ComputeTargetContract {
  static final TestSshd SSHD = TestSshd.get();
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
    spark.attachHeadNode(cli, project, "head");
    return "head";
  }

  @Override
  protected String runConfigurationExtra() {
    return "Framework: PySpark";
  }

  @Override
  protected void assertNothingLeft(String runId) {
    Path runDir = Path.of("/home", SSHD.keyUser, ".labrun/runs", runId);
    await("the canceled run's folder on the head node is removed")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !Files.exists(runDir));
    await("no process of the run is left on the head node")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                ProcessHandle.allProcesses()
                    .noneMatch(p -> p.info().commandLine().orElse("").contains(runId)));
  }

  /** As on every Spark target: Spark's PythonRunner merges the driver's stderr into its stdout. */
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
