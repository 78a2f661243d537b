package io.labrun.cli.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.store.SqlRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster deploy mode on a YARN that does not aggregate logs: its NodeManager keeps a container's
 * logs after the application ended ({@code yarn.nodemanager.log.retain-seconds}), and labrun reads
 * the driver's last output and its {@code ./outputs} zip there once the application ended, without
 * the hand-off the wrapper does where logs are aggregated (the shared test YARN, as HDInsight, does
 * aggregate: {@link YarnRunIT} runs the same kind of run there). The YARN is this class's own,
 * started with log aggregation off by {@code scripts/test-env/yarn.sh} on ports of its own, and
 * stopped after.
 */
class YarnLogsOnTheNodeManagerIT {
  @TempDir static Path state;
  static YarnCluster yarn;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    yarn = YarnCluster.startOwn(state, false);
  }

  @AfterAll
  static void stop() throws Exception {
    if (yarn != null) {
      yarn.stop();
    }
  }

  @Test
  void theDriversOutputStreamsWhileItRunsAndItsOutputsComeBackFromTheNodeManager()
      throws Exception {
    Cli cli = yarn.cli(tmp);
    Path project = yarn.project(cli, tmp, "");
    Path go = tmp.resolve("go");
    Files.writeString(
        project.resolve("driver.py"),
        YarnCluster.DRIVER.replace(
            "spark.stop()",
            """
            print("ready", flush=True)
            import time
            while not os.path.exists(%s):
                time.sleep(0.2)
            spark.stop()\
            """
                .formatted("'" + go + "'")));
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "hdi", "--detach", "driver.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = r.out().strip();
    await("the driver's output, streamed while it runs")
        .atMost(Duration.ofSeconds(300))
        .until(() -> cli.in(project, "experiment", "logs", "-r", id).out().contains("ready\n"));
    assertThat(cli.in(project, "experiment", "logs", "-r", id).out())
        .contains("driver says hello\n")
        .contains("SUM 5050\n")
        .doesNotContain("driver done");
    assertThat(cli.in(project, "experiment", "status", "-r", id).out()).contains("Running");
    Files.writeString(go, "");

    // A detached run is collected, and its record ended, when labrun next looks at it.
    await("the run's end, seen by experiment status")
        .atMost(Duration.ofSeconds(180))
        .until(() -> cli.in(project, "experiment", "status", "-r", id).out().contains("Completed"));
    assertThat(run(id).status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(cli.in(project, "experiment", "logs", "-r", id).out())
        .contains("RUN " + id + "\n")
        .containsPattern("CONTAINER container_[0-9_e]+\n")
        .contains("driver done\n");
    assertThat(cli.in(project, "history", "info", "-r", id, "-o", "json").out())
        .as("./outputs of the driver in YARN, read from the NodeManager")
        .contains("outputs/result.txt");
    String appId = run(id).attributes().get("spark_app_id");
    Map<?, ?> app = yarn.app(appId);
    assertThat(app.get("finalStatus")).isEqualTo("SUCCEEDED");
    assertThat(app.get("logAggregationStatus")).isEqualTo("DISABLED");
    assertThat(yarn.amLogFile(appId, "labrun-outputs.zip"))
        .as("the zip stays with the container's logs on the NodeManager")
        .isPresent();
    assertThat(yarn.amLogFile(appId, "labrun-outputs.ack"))
        .as("no hand-off where logs stay: the wrapper left no acknowledgement to wait for")
        .isEmpty();
  }

  @Test
  void aFailingDriverEndsFailedWithItsExitCodeAndYarnsDiagnosticAndItsOutputs() throws Exception {
    Cli cli = yarn.cli(tmp);
    Path project = yarn.project(cli, tmp, "");
    Files.writeString(
        project.resolve("boom.py"),
        YarnCluster.withSparkContext(
            "import sys\n"
                + "open('outputs/partial.txt', 'w').write('half')\n"
                + "print('ValueError: bad data', file=sys.stderr)\n"
                + "sys.exit(3)\n"));
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "hdi", "boom.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).contains("ValueError: bad data");
    Run run = run(YarnRunIT.runId(r));
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.exitCode()).isEqualTo(3);
    String appId = run.attributes().get("spark_app_id");
    assertThat(run.statusDetail())
        .isEqualTo(
            "exit code 3: labrun: YARN application "
                + appId
                + " ended FAILED: User application exited with status 3");
    assertThat(cli.in(project, "history", "info", "-r", run.id(), "-o", "json").out())
        .as("./outputs of a failed driver come back too")
        .contains("outputs/partial.txt");
    assertThat(yarn.app(appId).get("finalStatus")).isEqualTo("FAILED");
  }

  private Run run(String id) {
    try (SqlRunStore store =
        SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"))) {
      return store.find(id).orElseThrow();
    }
  }
}
