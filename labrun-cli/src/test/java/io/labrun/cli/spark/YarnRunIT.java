package io.labrun.cli.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.ssh.TestSshd;
import io.labrun.store.SqlRunStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs on a {@code cluster} target whose master is the real YARN of the test environment ({@code
 * scripts/test-env/yarn.sh}), submitted from this machine: in cluster deploy mode (the default, as
 * the original's files had it) the driver runs in YARN's ApplicationMaster container and labrun
 * streams its output from the NodeManager; in client mode it runs here. The ResourceManager's REST
 * API is the witness of what YARN did.
 */
class YarnRunIT {
  static YarnCluster yarn;
  @TempDir Path tmp;

  @BeforeAll
  static void cluster() {
    yarn = YarnCluster.require();
  }

  @Test
  void inClusterModeTheDriverRunsInYarnAndItsOutputStreamsHereAndTheApplicationIsRecorded()
      throws Exception {
    Cli cli = yarn.cli(tmp);
    Path project = yarn.project(cli, tmp, "");
    Files.writeString(project.resolve("driver.py"), YarnCluster.DRIVER);
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "hdi", "driver.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = runId(r);
    assertThat(r.out())
        .contains("driver says hello\n")
        .contains("SUM 5050\n")
        .contains("driver done\n")
        .contains(
            "driver stderr line\n") // Spark's PythonRunner merges the driver's stderr into its
        // stdout
        .as("the driver ran in YARN's container, not under labrun's supervisor")
        .containsPattern("CONTAINER container_[0-9_e]+\n")
        .as("the run's variables reached it there")
        .contains("RUN " + id + "\n");
    assertThat(r.err())
        .contains("Completed")
        .as("./outputs of the driver in YARN, handed back")
        .contains("outputs/result.txt");
    Run run = run(id);
    String appId = run.attributes().get("spark_app_id");
    assertThat(appId).startsWith("application_");
    assertThat(r.out())
        .as("the driver's own SparkContext is YARN's application")
        .contains("APP " + appId + "\n");
    assertThat(run.attributes())
        .containsEntry("spark_master", "yarn")
        .containsEntry("spark_state", "FINISHED")
        .containsEntry(
            "yarn_tracking_url", "http://localhost:" + port(yarn.rm) + "/proxy/" + appId + "/");
    Cli.Result info = cli.in(project, "history", "info", "-r", id);
    assertThat(cli.in(project, "history", "info", "-r", id, "-o", "json").out())
        .contains("outputs/result.txt");
    assertThat(info.out())
        .contains("spark_app_id=" + appId)
        .contains("yarn_tracking_url=http://localhost:" + port(yarn.rm) + "/proxy/" + appId + "/");
    Map<?, ?> app = yarn.app(appId);
    assertThat(app.get("state")).isEqualTo("FINISHED");
    assertThat(app.get("finalStatus")).isEqualTo("SUCCEEDED");
    assertThat(app.get("applicationTags"))
        .as("the run's tag")
        .isEqualTo("labrun-" + id.toLowerCase());
    assertThat(app.get("name")).isEqualTo("driver.py (labrun " + id + ")");
    await("YARN's aggregation of the driver's logs")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(yarn.aggregatedAmLogFile(appId, "labrun-handoff.log"))
                    .as("the wrapper's wait ended on labrun's acknowledgement, not its 15 s")
                    .hasValue("labrun read labrun-outputs.ack"));
  }

  @Test
  void hdiYarnDeployModeClientOfA2018RunConfigurationRunsTheDriverHere() throws Exception {
    Cli cli = yarn.cli(tmp);
    Path project = yarn.project(cli, tmp, "yarnDeployMode: cluster\n");
    Files.writeString(
        project.resolve("aml_config/hdiclient.runconfig"),
        """
        script: driver.py
        target: hdi
        framework: PySpark
        hdi:
          yarnDeployMode: client
        """);
    Files.writeString(
        project.resolve("driver.py"),
        YarnCluster.DRIVER + "import os\nprint('DRIVER_PID', os.getpid())\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "hdiclient");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = runId(r);
    assertThat(r.out())
        .contains("driver says hello\n")
        .contains("SUM 5050\n")
        .contains("driver done\n")
        .as("the driver ran here, under labrun's supervisor")
        .contains("CONTAINER none\n")
        .contains("RUN " + id + "\n");
    Run run = run(id);
    String appId = run.attributes().get("spark_app_id");
    assertThat(r.out()).contains("APP " + appId + "\n");
    Map<?, ?> app = yarn.app(appId);
    assertThat(app.get("finalStatus")).isEqualTo("SUCCEEDED");
    assertThat(Files.readString(Path.of(run.attributes().get("state_dir"), "spark-submit.json")))
        .contains("\"deploy_mode\":\"client\"");
  }

  @Test
  void theProjectsSparkYarnSettingsReachYarnAndCancelKillsTheApplicationAfterItsOutputWasSeenLive()
      throws Exception {
    Cli cli = yarn.cli(tmp);
    Path project = yarn.project(cli, tmp, "");
    Files.writeString(project.resolve("wait.py"), SparkCluster.WAITING_DRIVER);
    Files.writeString(
        project.resolve("aml_config/spark_dependencies.yml"),
        YarnCluster.SPARK_DEPENDENCIES
            + """
              "spark.yarn.queue": "default"
              "spark.yarn.tags": "nightly"
              "spark.yarn.applicationType": "SPARK-LABRUN"
              "spark.driver.memory": "512m"
              "spark.driver.cores": 1
              "spark.executor.memory": "512m"
            """);
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "hdi", "--detach", "wait.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = r.out().strip();
    await()
        .atMost(Duration.ofSeconds(300))
        .until(() -> cli.in(project, "experiment", "logs", "-r", id).out().contains("ready"));
    String appId = YarnCluster.appId(cli.in(project, "experiment", "logs", "-r", id).out());
    assertThat(yarn.app(appId).get("state"))
        .as("running on YARN before the cancel")
        .isEqualTo("RUNNING");
    Map<?, ?> app = yarn.app(appId);
    assertThat(app.get("queue")).isEqualTo("root.default");
    assertThat(app.get("applicationType")).isEqualTo("SPARK-LABRUN");
    assertThat(app.get("applicationTags").toString().split(","))
        .as("the project's tag and the run's")
        .containsExactlyInAnyOrder("nightly", "labrun-" + id.toLowerCase());
    // The driver's container (the ApplicationMaster in cluster mode) and the one executor, each
    // 512 MB plus Spark's 384 MB overhead. (Cores are not checked: the test YARN's
    // CapacityScheduler
    // counts memory only and gives every container one vcore, whatever Spark asks.)
    await("YARN's allocation of the driver and its executor")
        .atMost(Duration.ofSeconds(180))
        .untilAsserted(
            () -> {
              Map<?, ?> now = yarn.app(appId);
              assertThat(((Number) now.get("runningContainers")).intValue()).isEqualTo(2);
              assertThat(((Number) now.get("allocatedMB")).intValue()).isEqualTo(2 * (512 + 384));
            });

    Cli.Result c = cli.in(project, "experiment", "cancel", "-r", id);
    assertThat(c.code()).as(c.toString()).isZero();
    assertThat(c.out()).contains("Canceled");
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(yarn.app(appId).get("state")).isEqualTo("KILLED"));
    assertThat(run(id).status()).isEqualTo(RunStatus.CANCELED);
    await().atMost(Duration.ofSeconds(30)).until(() -> SparkCluster.processesOf(id) == 0);
  }

  @Test
  void aRunWhoseSupervisorDiedEndsAsItsYarnApplicationEnded() throws Exception {
    Cli cli = yarn.cli(tmp);
    Path project = yarn.project(cli, tmp, "");
    Files.writeString(
        project.resolve("slow.py"),
        YarnCluster.DRIVER.replace(
            "spark.stop()",
            """
            print("ready", flush=True)
            import time
            time.sleep(25)
            spark.stop()\
            """));
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "hdi", "--detach", "slow.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = r.out().strip();
    await()
        .atMost(Duration.ofSeconds(300))
        .until(() -> cli.in(project, "experiment", "logs", "-r", id).out().contains("ready"));
    Run running = run(id);
    String appId = YarnCluster.appId(cli.in(project, "experiment", "logs", "-r", id).out());
    // labrun's side of the run dies: the supervisor and the driver program it runs, no record
    // written.
    for (String pid :
        new String[] {
          running.attributes().get("supervisor_pid"), running.attributes().get("pid")
        }) {
      ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> SparkCluster.gone(Long.parseLong(running.attributes().get("supervisor_pid"))));
    Cli.Result during = cli.in(project, "experiment", "status", "-r", id);
    assertThat(during.out())
        .as("YARN still runs the application: the run is not lost")
        .contains("Running");

    await()
        .atMost(Duration.ofSeconds(180))
        .untilAsserted(
            () ->
                assertThat(cli.in(project, "experiment", "status", "-r", id).out())
                    .contains("Completed"));
    assertThat(yarn.app(appId).get("finalStatus")).isEqualTo("SUCCEEDED");
    assertThat(run(id).status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aDriverYarnFailsEndsWithYarnsDiagnosticAndSparkYarnPropertiesReachYarn() throws Exception {
    Cli cli = yarn.cli(tmp);
    Path project = yarn.project(cli, tmp, "");
    Files.writeString(project.resolve("nocontext.py"), "print('no SparkContext here')\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "hdi", "nocontext.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    Run run = run(runId(r));
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    String appId = run.attributes().get("spark_app_id");
    assertThat(run.statusDetail())
        .isEqualTo(
            "exit code 1: labrun: YARN application "
                + appId
                + " ended FAILED: java.lang.IllegalStateException: User did not initialize spark"
                + " context!");
    assertThat(r.out())
        .as("the driver's output, from its container")
        .contains("no SparkContext here");
    assertThat(yarn.app(appId).get("state")).isEqualTo("FAILED");
    assertThat(yarn.attempts(appId))
        .as("spark.yarn.maxAppAttempts: 1 from spark_dependencies.yml reached YARN")
        .hasSize(1);
  }

  @Test
  void aQueueThatDoesNotExistAndTooMuchMemoryFailWithYarnsWords() throws Exception {
    Cli cli = yarn.cli(tmp);
    Path project = yarn.project(cli, tmp, "");
    Files.writeString(project.resolve("driver.py"), YarnCluster.DRIVER);
    Files.writeString(
        project.resolve("aml_config/spark_dependencies.yml"),
        YarnCluster.SPARK_DEPENDENCIES + "  \"spark.yarn.queue\": \"nosuch\"\n");
    Cli.Result q = cli.in(project, "experiment", "submit", "-c", "hdi", "driver.py");
    assertThat(q.code()).as(q.toString()).isEqualTo(1);
    Run queued = run(runId(q));
    assertThat(queued.status()).isEqualTo(RunStatus.FAILED);
    assertThat(queued.statusDetail()).contains("unknown queue: nosuch");

    Files.writeString(
        project.resolve("aml_config/spark_dependencies.yml"),
        YarnCluster.SPARK_DEPENDENCIES + "  \"spark.driver.memory\": \"4g\"\n");
    Cli.Result m = cli.in(project, "experiment", "submit", "-c", "hdi", "driver.py");
    assertThat(m.code()).as(m.toString()).isEqualTo(1);
    Run big = run(runId(m));
    assertThat(big.status()).isEqualTo(RunStatus.FAILED);
    assertThat(big.statusDetail()).contains("is above the max threshold (2048 MB) of this cluster");
  }

  @Test
  void coresAboveWhatAContainerMayHaveFailWithYarnsWords() throws Exception {
    // The test YARN lets a container have at most 4 vcores
    // (yarn.scheduler.maximum-allocation-vcores).
    Cli cli = yarn.cli(tmp);
    Path project = yarn.project(cli, tmp, "");
    Files.writeString(project.resolve("driver.py"), YarnCluster.DRIVER);
    String yarnSays =
        "InvalidResourceRequestException: Invalid resource request! Cannot allocate containers as"
            + " requested resource is greater than maximum allowed allocation. Requested resource"
            + " type=[vcores], Requested resource=<memory:";

    // The driver in cluster mode is the ApplicationMaster: the ResourceManager refuses the
    // submission.
    Files.writeString(
        project.resolve("aml_config/spark_dependencies.yml"),
        YarnCluster.SPARK_DEPENDENCIES + "  \"spark.driver.cores\": 8\n");
    Cli.Result d = cli.in(project, "experiment", "submit", "-c", "hdi", "driver.py");
    assertThat(d.code()).as(d.toString()).isEqualTo(1);
    Run driver = run(runId(d));
    assertThat(driver.status()).isEqualTo(RunStatus.FAILED);
    assertThat(driver.statusDetail())
        .startsWith("exit code 1: org.apache.hadoop.yarn.exceptions." + yarnSays)
        .contains("vCores:8>, maximum allowed allocation=<memory:2048, vCores:4>")
        .doesNotContain("\n");

    // An executor asks when the application runs: YARN fails the application, in its words.
    Files.writeString(
        project.resolve("aml_config/hdi.compute"),
        "type: cluster\nsparkMaster: yarn\nyarnDeployMode: client\n");
    Files.writeString(
        project.resolve("aml_config/spark_dependencies.yml"),
        YarnCluster.SPARK_DEPENDENCIES + "  \"spark.executor.cores\": 8\n");
    Cli.Result e = cli.in(project, "experiment", "submit", "-c", "hdi", "driver.py");
    assertThat(e.code()).as(e.toString()).isEqualTo(1);
    Run executor = run(runId(e));
    assertThat(executor.status()).isEqualTo(RunStatus.FAILED);
    String appId = executor.attributes().get("spark_app_id");
    assertThat(executor.statusDetail())
        .startsWith(
            "exit code 1: labrun: YARN application "
                + appId
                + " ended FAILED: Uncaught exception: org.apache.hadoop.yarn.exceptions."
                + yarnSays)
        .contains("vCores:8>, maximum allowed allocation=<memory:2048, vCores:4>")
        .doesNotContain("\n");
    assertThat(yarn.app(appId).get("finalStatus"))
        .as("the ApplicationMaster gave up and unregistered")
        .isEqualTo("FAILED");
  }

  @Test
  void noHadoopConfigurationOrAResourceManagerThatDoesNotAnswerIsOneLineAtOnce() throws Exception {
    Cli cli = yarn.spark.cli(tmp);
    Path project = yarn.project(cli, tmp, "");
    Files.writeString(project.resolve("driver.py"), YarnCluster.DRIVER);
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "hdi", "driver.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(4);
    assertThat(r.err().strip())
        .isEqualTo(
            "labrun: sparkMaster of aml_config/hdi.compute is yarn but neither HADOOP_CONF_DIR nor"
                + " YARN_CONF_DIR names a folder with a yarn-site.xml; export"
                + " HADOOP_CONF_DIR=/etc/hadoop/conf (the cluster's client configuration)");

    Path conf = Files.createDirectories(tmp.resolve("deadconf"));
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Files.writeString(
        conf.resolve("yarn-site.xml"),
        "<configuration><property><name>yarn.resourcemanager.webapp.address</name><value>127.0.0.1:"
            + closed
            + "</value></property></configuration>\n");
    Cli.Result dead =
        cli.env("HADOOP_CONF_DIR", conf.toString())
            .in(project, "experiment", "submit", "-c", "hdi", "driver.py");
    assertThat(dead.code()).as(dead.toString()).isEqualTo(5);
    assertThat(dead.err().strip())
        .startsWith(
            "labrun: the YARN ResourceManager http://127.0.0.1:" + closed + " does not answer (")
        .endsWith(
            "); start it, or fix yarn.resourcemanager.webapp.address in "
                + conf.resolve("yarn-site.xml"))
        .doesNotContain("\n");
    try (RunStore store = store()) {
      assertThat(store.list(RunQuery.all())).extracting(Run::status).containsOnly(RunStatus.FAILED);
    }
  }

  @Test
  void throughAHeadNodeTheDriverRunsInYarnAndItsOutputStreamsBack() throws Exception {
    Cli cli = yarn.spark.cli(tmp); // HADOOP_CONF_DIR is the head node's, from the run configuration
    Path project = yarn.project(cli, tmp, "");
    yarn.attachHeadNode(cli, project, "head");
    Files.writeString(project.resolve("driver.py"), YarnCluster.DRIVER);
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "head", "driver.py");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("driver says hello\n")
        .contains("SUM 5050\n")
        .contains("driver done\n");
    Run run = run(runId(r));
    String appId = run.attributes().get("spark_app_id");
    assertThat(r.out()).contains("APP " + appId + "\n");
    assertThat(run.attributes())
        .containsEntry(
            "yarn_tracking_url", "http://localhost:" + port(yarn.rm) + "/proxy/" + appId + "/");
    Map<?, ?> app = yarn.app(appId);
    assertThat(app.get("finalStatus")).isEqualTo("SUCCEEDED");
    assertThat(app.get("user"))
        .as("submitted by the head node's user")
        .isEqualTo(TestSshd.get().keyUser);
    assertThat(cli.in(project, "history", "info", "-r", run.id(), "-o", "json").out())
        .as("./outputs of the driver in YARN, through the head node")
        .contains("outputs/result.txt");
  }

  private static int port(String url) {
    return URI.create(url).getPort();
  }

  static String runId(Cli.Result r) {
    return r.err()
        .lines()
        .filter(l -> l.startsWith("RunId: "))
        .findFirst()
        .orElseThrow()
        .substring(7);
  }

  private RunStore store() {
    return SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"));
  }

  private Run run(String id) {
    try (RunStore store = store()) {
      return store.find(id).orElseThrow();
    }
  }
}
