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

  public final SparkCluster spark;
  public final Path confDir;
  public final String rm;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private YarnCluster(SparkCluster spark, Path confDir, String rm) {
    this.spark = spark;
    this.confDir = confDir;
    this.rm = rm;
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
    YarnCluster y = new YarnCluster(SparkCluster.require(), Path.of(conf), rm);
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
