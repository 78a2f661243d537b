package io.labrun.compute.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.compute.testkit.ComputeTargetKit;
import io.labrun.compute.testkit.KitRun;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Framework;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.TargetType;
import io.labrun.core.supervisor.ExitRecord;
import java.time.Duration;
import java.util.Map;

/**
 * The compute-target contract at the port, on a {@code cluster} target that submits from this
 * machine to the real standalone Spark master of {@code scripts/test-env/spark.sh} through the real
 * {@code spark-submit}: the kit's scripts run as Python drivers. Its driver runs under the {@code
 * local} target, which the cluster module asks the context for by type.
 */
class ClusterTargetKitIT extends ComputeTargetKit {
  @Override
  protected ComputeTargetSpec spec() {
    String master = System.getenv("LABRUN_TEST_SPARK_MASTER");
    assertThat(master)
        .as(
            "LABRUN_TEST_SPARK_MASTER: source /tmp/w/env.sh (scripts/test.sh starts the Spark"
                + " master)")
        .isNotBlank();
    return ComputeTargetSpec.of("spark", TargetType.CLUSTER).withSparkMaster(master);
  }

  @Override
  protected Map<String, String> environment() {
    assertThat(System.getenv("SPARK_HOME")).as("SPARK_HOME: source /tmp/w/env.sh").isNotBlank();
    return System.getenv();
  }

  @Override
  protected RunConfiguration configuration(RunConfiguration plain) {
    return RunConfiguration.forTarget(plain.name(), plain.target(), Framework.PYSPARK);
  }

  /** Spark's PythonRunner merges the driver's stderr into its own stdout, in order. */
  @Override
  protected boolean keepsStreamsApart() {
    return false;
  }

  /**
   * The supervisor runs spark-submit, which ends normally with the exit code of its Python driver:
   * a driver killed by a signal is 128 plus it there, with no signal of spark-submit's own.
   */
  @Override
  protected void assertDiedBySignal(ExitRecord exit, int signal) {
    assertThat(exit.signal()).as("%s", exit).isNull();
    assertThat(exit.exitCode()).isEqualTo(128 + signal);
  }

  /**
   * The cancel's TERM ends spark-submit's JVM (128 + 15), which takes its Python driver with it: no
   * KILL is needed.
   */
  @Override
  protected void assertKilledAfterTerm(KitRun run, ExitRecord exit) {
    assertThat(exit.signal()).as("%s", exit).isNull();
    assertThat(exit.exitCode()).isEqualTo(128 + 15);
  }

  @Override
  protected Duration patience() {
    return Duration.ofMinutes(4);
  }

  @Override
  protected void assertNothingLeft(KitRun run) {
    await("no process of the canceled run is left")
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                ProcessHandle.allProcesses()
                    .noneMatch(p -> p.info().commandLine().orElse("").contains(run.id())));
  }
}
