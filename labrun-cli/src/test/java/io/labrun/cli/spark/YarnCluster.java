package io.labrun.cli.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.labrun.cli.Cli;
import io.labrun.core.json.Json;
import io.labrun.ssh.TestSshd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real YARN of the test environment ({@code scripts/test-env/yarn.sh}: a ResourceManager and a
 * NodeManager of Hadoop's MiniYARNCluster, its {@code HADOOP_CONF_DIR}) with the test {@code
 * SPARK_HOME} of {@link SparkCluster}, and the ResourceManager's REST API. Tests that need it fail,
 * never skip, when it is not there.
 */
public final class YarnCluster {
  /**
   * spark_dependencies.yml of the YARN tests: one attempt (as the original's samples), one small
   * executor.
   */
  public static final String SPARK_DEPENDENCIES =
      """
      configuration:
        "spark.yarn.maxAppAttempts": 1
        "spark.executor.instances": 1
      """;

  /**
   * A Python driver that starts a SparkSession, runs a job, says so and writes {@code
   * outputs/result.txt} (through {@code sparkgw.py}).
   */
  public static final String DRIVER =
      """
      import os, sys
      from sparkgw import Gateway
      print("driver says hello", flush=True)
      print("driver stderr line", file=sys.stderr, flush=True)
      print("RUN", os.environ.get("LABRUN_RUN_ID", "none"), flush=True)  # the run's variables, wherever the driver runs
      print("CONTAINER", os.environ.get("CONTAINER_ID", "none"), flush=True)  # set by YARN in its containers
      gw = Gateway(os.environ["PYSPARK_GATEWAY_PORT"], os.environ["PYSPARK_GATEWAY_SECRET"])
      spark = gw.static("org.apache.spark.sql.SparkSession", "builder").config(gw.new("org.apache.spark.SparkConf", True)).getOrCreate()
      print("APP", spark.sparkContext().applicationId(), flush=True)
      total = spark.sql("SELECT sum(id) FROM range(1, 101, 1, 2)").first().getLong(0)
      print("SUM", total, flush=True)
      os.makedirs("outputs", exist_ok=True)
      with open("outputs/result.txt", "w") as f:
          f.write(str(total))
      spark.stop()
      print("driver done", flush=True)
      """;

  /**
   * {@code script} starting a SparkSession (through {@code sparkgw.py}) before its first statement,
   * on its first line: a driver in cluster deploy mode must start one.
   */
  public static String withSparkContext(String script) {
    return "import os as _os, sparkgw as _sg; _gw ="
        + " _sg.Gateway(_os.environ['PYSPARK_GATEWAY_PORT'],"
        + " _os.environ['PYSPARK_GATEWAY_SECRET']);"
        + " _gw.static('org.apache.spark.sql.SparkSession',"
        + " 'builder').config(_gw.new('org.apache.spark.SparkConf', True)).getOrCreate(); "
        + script;
  }

  /** The Hadoop of scripts/test-env/yarn/pom.xml, whose jars yarn.sh gathers. */
  private static final String HADOOP_VERSION = "3.5.0";

  private static final Path SCRIPT =
      Path.of("..", "scripts/test-env/yarn.sh").toAbsolutePath().normalize();

  public final SparkCluster spark;
  public final Path confDir;
  public final String rm;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The state folder of a YARN of a test's own, null for the shared one. */
  private final Path ownState;

  private YarnCluster(SparkCluster spark, Path confDir, String rm, Path ownState) {
    this.spark = spark;
    this.confDir = confDir;
    this.rm = rm;
    this.ownState = ownState;
  }

  /**
   * Starts a YARN of the caller's own, with its state in {@code state} and its own ports on
   * 127.0.0.1, through the script that starts the shared one ({@code scripts/test-env/yarn.sh},
   * same jars and starter), with log aggregation on or off. {@link #stop()} ends it.
   */
  public static YarnCluster startOwn(Path state, boolean aggregateLogs) throws Exception {
    SparkCluster spark = SparkCluster.require();
    Path log = state.resolve("yarn-sh.log");
    ProcessBuilder pb =
        new ProcessBuilder("bash", SCRIPT.toString())
            .redirectError(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().putAll(ownEnvironment(state, spark));
    pb.environment().put("LABRUN_TEST_YARN_LOG_AGGREGATION", aggregateLogs ? "1" : "0");
    pb.environment().put("LABRUN_TEST_YARN_PORTS", "28032 28088");
    pb.environment().put("LABRUN_TEST_YARN_CHECK", "0"); // the caller's runs are the check
    Process p = pb.start();
    String exports = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s: %s", SCRIPT, Files.readString(log)).isZero();
    YarnCluster y =
        new YarnCluster(
            spark,
            Path.of(export(exports, "HADOOP_CONF_DIR")),
            export(exports, "LABRUN_TEST_YARN_RM"),
            state);
    assertThat(((Map<?, ?>) y.get("/ws/v1/cluster/info").get("clusterInfo")).get("state"))
        .isEqualTo("STARTED");
    return y;
  }

  /** Stops a YARN of the test's own (see {@link #startOwn}); the shared one is left alone. */
  public void stop() throws Exception {
    if (ownState == null) {
      return;
    }
    ProcessBuilder pb =
        new ProcessBuilder("bash", SCRIPT.toString(), "stop")
            .redirectErrorStream(true)
            .redirectOutput(ownState.resolve("yarn-sh-stop.log").toFile());
    pb.environment().putAll(ownEnvironment(ownState, spark));
    assertThat(pb.start().waitFor()).isZero();
  }

  private static Map<String, String> ownEnvironment(Path state, SparkCluster spark) {
    return Map.of(
        "LABRUN_TEST_YARN_STATE", state.toString(), "SPARK_HOME", spark.sparkHome.toString());
  }

  private static String export(String exports, String name) {
    Matcher m = Pattern.compile("(?m)^export " + name + "=(.*)$").matcher(exports);
    assertThat(m.find()).as(exports).isTrue();
    return m.group(1);
  }

  /**
   * A file of the ApplicationMaster container's logs once YARN aggregated them (this YARN's
   * aggregated logs, read with Hadoop's {@code yarn logs}, LogsCLI, from the jars yarn.sh
   * gathered); empty until YARN has aggregated it.
   */
  public java.util.Optional<String> aggregatedAmLogFile(String appId, String file)
      throws Exception {
    Path jars =
        Path.of(
            System.getenv().getOrDefault("LABRUN_TEST_CACHE", "/var/cache/labrun-test"),
            "yarn-" + HADOOP_VERSION,
            "jars");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                confDir + ":" + jars + "/*",
                "org.apache.hadoop.yarn.client.cli.LogsCLI",
                "-applicationId",
                appId,
                "-am",
                "1",
                "-log_files",
                file)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int at = out.indexOf("LogContents:\n");
    int end = out.indexOf("End of LogType:", Math.max(at, 0));
    return p.waitFor() == 0 && at >= 0
        ? java.util.Optional.of(out.substring(at + 13, end < 0 ? out.length() : end).strip())
        : java.util.Optional.empty();
  }

  /**
   * A file of the ApplicationMaster container's log folder, as the NodeManager serves it (after the
   * REST API's header lines); empty when it serves none (404).
   */
  public java.util.Optional<String> amLogFile(String appId, String file) throws Exception {
    String logs = app(appId).get("amContainerLogs").toString();
    Matcher m = Pattern.compile("^(http://[^/]+)/.*/(container_[0-9_e]+)/.*$").matcher(logs + "/x");
    assertThat(m.find()).as(logs).isTrue();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(m.group(1) + "/ws/v1/node/containerlogs/" + m.group(2) + "/" + file))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 404) {
      return java.util.Optional.empty();
    }
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    int at = r.body().indexOf("LogContents:\n");
    return java.util.Optional.of(at < 0 ? r.body() : r.body().substring(at + 13));
  }

  /** The running test YARN; fails the test with what to do when it is not running. */
  public static YarnCluster require() {
    String conf = System.getenv("HADOOP_CONF_DIR");
    String rm = System.getenv("LABRUN_TEST_YARN_RM");
    if (conf == null || rm == null) {
      fail(
          "the YARN test cluster is not set up (HADOOP_CONF_DIR, LABRUN_TEST_YARN_RM): run the"
              + " tests with scripts/test.sh, or eval \"$(scripts/test-env/yarn.sh)\" first");
    }
    YarnCluster y = new YarnCluster(SparkCluster.require(), Path.of(conf), rm, null);
    assertThat(y.confDir.resolve("yarn-site.xml"))
        .as("HADOOP_CONF_DIR's yarn-site.xml")
        .isRegularFile();
    assertThat(y.spark.sparkHome.resolve("jars"))
        .as("spark-yarn in the test SPARK_HOME (scripts/test-env/spark.sh)")
        .isDirectoryContaining("glob:**/spark-yarn_*.jar");
    Map<String, Object> info = y.get("/ws/v1/cluster/info");
    assertThat(((Map<?, ?>) info.get("clusterInfo")).get("state"))
        .as("the ResourceManager at " + rm)
        .isEqualTo("STARTED");
    return y;
  }

  /** A labrun command line whose environment finds this Spark and this YARN (HADOOP_CONF_DIR). */
  public Cli cli(Path home) {
    return spark.cli(home).env("HADOOP_CONF_DIR", confDir.toString());
  }

  /**
   * A project in {@code dir} with a {@code cluster} target {@code hdi} on YARN ({@code
   * computeExtra}: more .compute lines).
   */
  public Path project(Cli cli, Path dir, String computeExtra) throws IOException {
    assertThat(cli.in(dir, "project", "init", "proj").code()).isZero();
    Path project = dir.resolve("proj");
    Files.writeString(
        project.resolve("aml_config/hdi.compute"),
        "type: cluster\nsparkMaster: yarn\n" + computeExtra);
    Files.writeString(
        project.resolve("aml_config/hdi.runconfig"),
        "ArgumentVector:\n  - $file\nTarget: hdi\nFramework: PySpark\n");
    Files.writeString(project.resolve("aml_config/spark_dependencies.yml"), SPARK_DEPENDENCIES);
    Files.writeString(project.resolve("sparkgw.py"), spark.gatewayModule());
    return project;
  }

  /**
   * Attaches the test OpenSSH server as the head node of this YARN: a {@code cluster} target {@code
   * name} with an address, the node's spark-submit (this SPARK_HOME) and master {@code yarn}, and a
   * run configuration {@code name} that gives runs the head node's {@code HADOOP_CONF_DIR} (this
   * one, readable by the test users).
   */
  public void attachHeadNode(Cli cli, Path project, String name) throws IOException {
    TestSshd sshd = TestSshd.get();
    Cli.Result a =
        cli.in(
            project,
            "computetarget",
            "attach",
            "--name",
            name,
            "--type",
            "cluster",
            "--address",
            sshd.host + ":" + sshd.port,
            "--username",
            sshd.keyUser,
            "--ssh-key",
            sshd.key.toString(),
            "--accept-new-host-key",
            "--spark-submit-location",
            spark.sparkHome.resolve("bin/spark-submit").toString(),
            "--spark-master",
            "yarn");
    assertThat(a.code()).as(a.toString()).isZero();
    Files.writeString(
        project.resolve("aml_config/" + name + ".runconfig"),
        "ArgumentVector:\n  - $file\nTarget: "
            + name
            + "\nFramework: PySpark\nEnvironmentVariables:\n  HADOOP_CONF_DIR: \""
            + confDir
            + "\"\n");
  }

  /** The YARN application id a driver printed as {@code APP <id>}. */
  public static String appId(String out) {
    Matcher m = Pattern.compile("APP (application_\\d+_\\d+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  /**
   * The application as the ResourceManager reports it ({@code state}, {@code finalStatus}, {@code
   * applicationTags}...).
   */
  public Map<?, ?> app(String appId) {
    return (Map<?, ?>) get("/ws/v1/cluster/apps/" + appId).get("app");
  }

  /** The application's attempts (one per ApplicationMaster YARN started). */
  public List<?> attempts(String appId) {
    return (List<?>)
        ((Map<?, ?>) get("/ws/v1/cluster/apps/" + appId + "/appattempts").get("appAttempts"))
            .get("appAttempt");
  }

  private Map<String, Object> get(String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(rm + path))
                  .header("Accept", "application/json")
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(rm + path + ": " + r.body()).isEqualTo(200);
      return Json.parseObject(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the ResourceManager " + rm + " does not answer: run scripts/test-env/yarn.sh", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
