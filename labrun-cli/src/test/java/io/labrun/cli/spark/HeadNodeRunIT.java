package io.labrun.cli.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.Wheels;
import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.ssh.TestSshd;
import io.labrun.store.SqlRunStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs on a {@code cluster} target with an address: the test OpenSSH server is the head node, whose
 * user runs the test environment's real {@code spark-submit} against the real standalone master. A
 * Python driver (talking Py4J to the driver JVM, as pyspark would), cancel of a running
 * application, a distributed JVM job on the worker, a per-run environment on the head node, and the
 * errors a user can meet.
 */
class HeadNodeRunIT {
  static final TestSshd SSHD = TestSshd.get();
  static SparkCluster spark;
  @TempDir Path tmp;
  Path project;
  Cli cli;

  @BeforeAll
  static void cluster() {
    spark = SparkCluster.require();
  }

  @BeforeEach
  void init() throws Exception {
    cli = spark.cli(tmp);
    project = tmp.resolve("proj");
    assertThat(cli.in(tmp, "project", "init", "proj").code()).isZero();
    spark.attachHeadNode(cli, project, "head");
    write("sparkgw.py", spark.gatewayModule());
  }

  @Test
  void aPythonDriverRunsOnTheHeadNodeAndIsRecorded() throws Exception {
    write(
        "aml_config/spark_dependencies.yml",
        """
        configuration:
          "spark.app.name": "labrun-head-driver"
          "spark.labrun.greeting": "hello from the head node"
        """);
    write("helpers.py", "def double(x):\n    return 2 * x\n");
    write(
        "driver.py",
        """
        import getpass, os, sys
        import labrun
        from azureml.logging import get_azureml_logger
        from sparkgw import Gateway
        from helpers import double
        print("USER", getpass.getuser(), "CWD", os.getcwd(), flush=True)
        gw = Gateway(os.environ["PYSPARK_GATEWAY_PORT"], os.environ["PYSPARK_GATEWAY_SECRET"])
        conf = gw.new("org.apache.spark.SparkConf", True)
        for key in ["spark.app.name", "spark.labrun.greeting", "spark.labrun.runId", "spark.master", "spark.submit.pyFiles"]:
            print("CONF", key, conf.get(key, "<unset>"), flush=True)
        print("ARGS", sys.argv[1:])
        spark = gw.static("org.apache.spark.sql.SparkSession", "builder").config(conf).getOrCreate()
        try:
            print("APP", spark.sparkContext().applicationId(), flush=True)
            total = spark.sql("SELECT sum(id) FROM range(1, 101, 1, 2)").first().getLong(0)
            print("SUM", total)
            print("EXECUTORS", spark.sparkContext().getExecutorIds().mkString(","))
        finally:
            spark.stop()
        get_azureml_logger().log("sum", total)
        labrun.log_metric("doubled", double(total))
        os.makedirs("outputs", exist_ok=True)
        with open("outputs/result.txt", "w") as f:
            f.write(str(total))
        """);
    Cli.Result r =
        cli.in(project, "experiment", "submit", "-c", "head", "driver.py", "one", "two words");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = runId(r);
    String runDir = "/home/" + SSHD.keyUser + "/.labrun/runs/" + id;
    assertThat(r.out())
        .contains("USER " + SSHD.keyUser + " CWD " + runDir + "/work")
        .contains("CONF spark.app.name labrun-head-driver")
        .contains("CONF spark.labrun.greeting hello from the head node")
        .contains("CONF spark.labrun.runId " + id)
        .contains("CONF spark.master " + spark.master)
        .contains("CONF spark.submit.pyFiles " + runDir + "/py-files.zip")
        .contains("ARGS ['one', 'two words']")
        .contains("SUM 5050")
        .containsPattern("EXECUTORS \\d+");
    assertThat(r.err())
        .contains("Completed")
        .contains("sum = 5050")
        .contains("doubled = 10100")
        .contains("outputs/result.txt");
    String appId = SparkCluster.appId(r.out());
    Run run = run(id);
    assertThat(run.attributes())
        .containsEntry("spark_app_id", appId)
        .containsEntry("spark_master", spark.master)
        .containsEntry("spark_master_ui", spark.ui)
        .containsEntry("spark_state", "FINISHED")
        .containsEntry("host", SSHD.keyUser + "@" + SSHD.host + ":" + SSHD.port);
    assertThat(spark.app(appId))
        .hasValueSatisfying(
            app ->
                assertThat(app)
                    .containsEntry("listed", "completedapps")
                    .containsEntry("name", "labrun-head-driver")
                    .containsEntry("user", SSHD.keyUser));
    Cli.Result artifacts = cli.in(project, "history", "info", "-r", id, "-o", "json");
    assertThat(artifacts.out()).contains("outputs/result.txt");
  }

  @Test
  void cancelKillsTheApplicationOnTheClusterAndTheDriverOnTheHeadNode() throws Exception {
    write("wait.py", SparkCluster.WAITING_DRIVER);
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "head", "--detach", "wait.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = r.out().strip();
    await()
        .atMost(Duration.ofSeconds(180))
        .until(() -> cli.in(project, "experiment", "logs", "-r", id).out().contains("ready"));
    String logs = cli.in(project, "experiment", "logs", "-r", id).out();
    String appId = SparkCluster.appId(logs);
    Matcher pids = Pattern.compile("PIDS (\\d+) (\\d+)").matcher(logs);
    assertThat(pids.find()).as(logs).isTrue();
    long python = Long.parseLong(pids.group(1));
    long sparkSubmit = Long.parseLong(pids.group(2));
    assertThat(spark.isActive(appId)).as("running on the master before the cancel").isTrue();

    Cli.Result c = cli.in(project, "experiment", "cancel", "-r", id);
    assertThat(c.code()).as(c.toString()).isZero();
    assertThat(c.out()).contains("Canceled");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(spark.app(appId))
                    .as("the master lists the application as completed")
                    .hasValueSatisfying(
                        app -> assertThat(app).containsEntry("listed", "completedapps")));
    // The head node is this machine: its processes are ours to see.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> SparkCluster.gone(python) && SparkCluster.gone(sparkSubmit));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                ProcessHandle.allProcesses()
                    .noneMatch(p -> p.info().commandLine().orElse("").contains(id)));
    Run run = run(id);
    assertThat(run.status()).isEqualTo(RunStatus.CANCELED);
    assertThat(run.attributes()).containsEntry("spark_app_id", appId);
  }

  @Test
  void aJarRunsDistributedOnTheWorker() throws Exception {
    Files.createDirectories(project.resolve("lib"));
    Files.copy(spark.wordCountJar, project.resolve("lib/wordcount.jar"));
    write("data/words.txt", "the cat and the hat\nThe end\n");
    write(
        "aml_config/wordcount.runconfig",
        """
        ArgumentVector: ["--class", "io.labrun.testenv.WordCount", "$file", "data/words.txt"]
        Target: head
        Framework: PySpark
        """);
    Cli.Result r =
        cli.in(project, "experiment", "submit", "-c", "wordcount", "lib/wordcount.jar", "2");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("COUNT the 3\n")
        .contains("COUNT cat 1\n")
        .contains("SQL_SUM 500500")
        .contains("WORDCOUNT_OK");
    assertThat(r.out())
        .as("tasks ran on the worker's executor")
        .containsPattern("EXECUTORS \\d+\n")
        .doesNotContain("EXECUTORS driver");
    String appId = run(runId(r)).attributes().get("spark_app_id");
    assertThat(spark.app(appId))
        .hasValueSatisfying(
            app ->
                assertThat(app)
                    .containsEntry("listed", "completedapps")
                    .containsEntry("state", "FINISHED")
                    .containsEntry("user", SSHD.keyUser));
  }

  @Test
  void aPythonRunConfigurationRunsOnTheHeadNodeWithoutSpark() throws Exception {
    write(
        "plain.py",
        "import getpass, os\n"
            + "print('USER', getpass.getuser(), 'SPARK',"
            + " os.environ.get('PYSPARK_GATEWAY_PORT'))\n");
    write(
        "aml_config/plain.runconfig",
        "ArgumentVector: [\"$file\"]\nTarget: head\nFramework: Python\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "plain", "plain.py");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("USER " + SSHD.keyUser + " SPARK None");
    assertThat(run(runId(r)).attributes()).doesNotContainKey("spark_master");
  }

  @Test
  void errorsSayWhatIsWrongInOneLine() throws Exception {
    write("hello.py", "print('hello')\n");
    String compute = Files.readString(project.resolve("aml_config/head.compute"));

    Files.writeString(
        project.resolve("aml_config/head.compute"),
        compute.replace(
            spark.sparkHome.resolve("bin/spark-submit").toString(),
            "/opt/nowhere/bin/spark-submit"));
    assertOneLine(
        cli.in(project, "experiment", "submit", "-c", "head", "hello.py"),
        4,
        "spark-submit not found at /opt/nowhere/bin/spark-submit on "
            + SSHD.host
            + ":"
            + SSHD.port
            + "; fix sparkSubmitLocation in aml_config/head.compute");

    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Files.writeString(
        project.resolve("aml_config/head.compute"),
        compute.replace(spark.master, "spark://127.0.0.1:" + closed));
    assertOneLine(
        cli.in(project, "experiment", "submit", "-c", "head", "hello.py"),
        5,
        "Spark master spark://127.0.0.1:"
            + closed
            + " is unreachable from "
            + SSHD.host
            + ":"
            + SSHD.port
            + " (127.0.0.1:"
            + closed
            + ": Connection refused); start it, or fix sparkMaster in aml_config/head.compute");

    Files.writeString(project.resolve("aml_config/head.compute"), compute);
    write(
        "aml_config/spark_dependencies.yml",
        "configuration:\n  \"spark.submit.deployMode\": \"cluster\"\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "head", "hello.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    String reason =
        "Cluster deploy mode is currently not supported for python applications on standalone"
            + " clusters.";
    assertThat(summary(r))
        .contains("Failed")
        .contains("exit code 1: org.apache.spark.SparkException: " + reason);
    assertThat(run(runId(r)).statusDetail()).contains(reason);

    Files.writeString(
        project.resolve("aml_config/head.compute"),
        compute
            .replace(SSHD.host + "\"", "127.0.0.1\"")
            .replace("port: " + SSHD.port, "port: " + closed));
    r = cli.in(project, "experiment", "submit", "-c", "head", "hello.py");
    assertOneLine(
        r, 5, "cannot connect to 127.0.0.1:" + closed + " (target head): connection refused");

    Path stranger = tmp.resolve("stranger_ed25519");
    assertThat(
            new ProcessBuilder(
                    "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString())
                .start()
                .waitFor())
        .isZero();
    Files.writeString(
        project.resolve("aml_config/head.compute"),
        compute.replace(SSHD.key.toString(), stranger.toString()));
    r = cli.in(project, "experiment", "submit", "-c", "head", "hello.py");
    assertOneLine(
        r,
        5,
        "login to "
            + SSHD.host
            + ":"
            + SSHD.port
            + " (target head) as "
            + SSHD.keyUser
            + " refused: the key "
            + stranger
            + " was not accepted");
  }

  /**
   * {@code PrepareEnvironment: true}: a venv of the head node's Python, built there once per
   * environment hash with the conda file's {@code pip:} list (a wheel the test builds, shipped from
   * the project; no index), and the driver runs in it.
   */
  @Test
  void theDriverRunsInAVenvBuiltOnceOnTheHeadNode() throws Exception {
    writeEnvironmentRunConfiguration();
    String marker = "greeting-" + System.nanoTime(); // a new environment hash for every test run
    Wheels.build(
        project.resolve("wheels"),
        "headgreet",
        "1.0",
        "def hello():\n    return '" + marker + "'\n");
    write(
        "aml_config/env_conda.yml",
        """
        dependencies:
          - pip:
            - wheels/headgreet-1.0-py3-none-any.whl
        """);
    write(
        "greet.py",
        """
        import os, sys
        import headgreet
        print("GREETING", headgreet.hello())
        print("PYTHON", sys.executable)
        print("EXECUTOR_PYTHON", os.environ.get("PYSPARK_PYTHON"))
        """);
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "env", "greet.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String envs = "/home/" + SSHD.keyUser + "/.labrun/envs/";
    assertThat(r.out())
        .contains("GREETING " + marker)
        .containsPattern("PYTHON " + envs + "[0-9a-f]{16}/bin/python")
        .containsPattern("EXECUTOR_PYTHON " + envs + "[0-9a-f]{16}/bin/python");
    assertThat(r.err()).containsPattern("environment [0-9a-f]{16} built on " + SSHD.host);

    Cli.Result again = cli.in(project, "experiment", "submit", "-c", "env", "greet.py");
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.out()).contains("GREETING " + marker);
    assertThat(again.err())
        .as("the environment is reused")
        .doesNotContain("building environment")
        .doesNotContain(" built on ");
    Matcher python =
        Pattern.compile("PYTHON " + envs + "([0-9a-f]{16})/bin/python").matcher(r.out());
    assertThat(python.find()).isTrue();
    Cli.Result prepare = cli.in(project, "experiment", "prepare", "-c", "env");
    assertThat(prepare.code()).as(prepare.toString()).isZero();
    assertThat(prepare.out())
        .contains(
            "Environment "
                + python.group(1)
                + " ("
                + envs
                + python.group(1)
                + "): cached, nothing to build");
  }

  /** The head node has no conda: a conda-only package fails naming it. */
  @Test
  void aCondaOnlyPackageFailsNamingIt() throws Exception {
    writeEnvironmentRunConfiguration();
    write(
        "aml_config/env_conda.yml",
        """
        dependencies:
          - labrun-no-such-conda-pkg-%d=1.0
        """
            .formatted(System.nanoTime()));
    write("greet.py", "print('never')\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "env", "greet.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(4);
    assertThat(r.err())
        .startsWith("labrun: ")
        .contains("cannot build environment")
        .contains("on " + SSHD.host)
        .contains("labrun-no-such-conda-pkg-")
        .contains("cannot be installed with pip")
        .doesNotContain("\tat ");
    assertThat(r.out()).doesNotContain("never");
  }

  private void writeEnvironmentRunConfiguration() throws Exception {
    write(
        "aml_config/env.runconfig",
        """
        ArgumentVector: ["$file"]
        Target: head
        Framework: PySpark
        CondaDependenciesFile: aml_config/env_conda.yml
        PrepareEnvironment: true
        EnvironmentVariables:
          PIP_NO_INDEX: "1"
        """);
  }

  private static void assertOneLine(Cli.Result r, int code, String expected) {
    assertThat(r.code()).as(r.toString()).isEqualTo(code);
    assertThat(r.err())
        .as(r.toString())
        .startsWith("labrun: ")
        .contains(expected)
        .doesNotContain("\tat ");
    assertThat(r.err().strip().lines().count()).as(r.toString()).isEqualTo(1);
  }

  private static String summary(Cli.Result r) {
    return r.err()
        .lines()
        .filter(l -> l.startsWith("Run "))
        .reduce((a, b) -> b)
        .orElse(r.toString());
  }

  private static String runId(Cli.Result r) {
    return r.err()
        .lines()
        .filter(l -> l.startsWith("RunId: "))
        .findFirst()
        .orElseThrow()
        .substring(7);
  }

  private void write(String name, String content) throws Exception {
    Files.createDirectories(project.resolve(name).getParent());
    Files.writeString(project.resolve(name), content);
  }

  private Run run(String id) {
    try (RunStore store = SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"))) {
      return store.find(id).orElseThrow();
    }
  }
}
