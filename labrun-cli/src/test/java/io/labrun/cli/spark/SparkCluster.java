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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real Spark standalone cluster of the test environment ({@code scripts/test-env/spark.sh}: a
 * master, one worker, a {@code SPARK_HOME} with the real {@code spark-submit}), and its master's
 * JSON API. Tests that need it fail, never skip, when it is not there.
 */
public final class SparkCluster {
  /**
   * A Python driver (through {@link #gatewayModule()}, saved as {@code sparkgw.py}) that starts an
   * application, prints {@code APP <id>}, {@code PIDS <its pid> <spark-submit's pid>} and {@code
   * ready}, then waits to be canceled.
   */
  public static final String WAITING_DRIVER =
      """
      import os, time
      from sparkgw import Gateway
      gw = Gateway(os.environ["PYSPARK_GATEWAY_PORT"], os.environ["PYSPARK_GATEWAY_SECRET"])
      spark = gw.static("org.apache.spark.sql.SparkSession", "builder").config(gw.new("org.apache.spark.SparkConf", True)).getOrCreate()
      print("APP", spark.sparkContext().applicationId())
      print("PIDS", os.getpid(), os.getppid())
      print("ready", flush=True)
      time.sleep(600)
      """;

  private static final Pattern APP_ID = Pattern.compile("APP (app-\\d+-\\d+)");

  public final Path sparkHome;
  public final String master;
  public final String ui;
  public final Path wordCountJar;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private SparkCluster(Path sparkHome, String master, String ui, Path wordCountJar) {
    this.sparkHome = sparkHome;
    this.master = master;
    this.ui = ui;
    this.wordCountJar = wordCountJar;
  }

  /** The running test cluster; fails the test with what to do when it is not running. */
  public static SparkCluster require() {
    String home = System.getenv("SPARK_HOME");
    String master = System.getenv("LABRUN_TEST_SPARK_MASTER");
    String ui = System.getenv("LABRUN_TEST_SPARK_UI");
    String jar = System.getenv("LABRUN_TEST_SPARK_WORDCOUNT_JAR");
    if (home == null || master == null || ui == null || jar == null) {
      fail(
          "the Spark test cluster is not set up (SPARK_HOME, LABRUN_TEST_SPARK_MASTER,"
              + " LABRUN_TEST_SPARK_UI, LABRUN_TEST_SPARK_WORDCOUNT_JAR): run the tests with"
              + " scripts/test.sh, or eval \"$(scripts/test-env/spark.sh)\" first");
    }
    SparkCluster c = new SparkCluster(Path.of(home), master, ui, Path.of(jar));
    assertThat(c.sparkHome.resolve("bin/spark-submit"))
        .as("SPARK_HOME's spark-submit")
        .isExecutable();
    Map<String, Object> state;
    try {
      state = c.masterState();
    } catch (RuntimeException e) {
      throw new AssertionError(
          "the Spark master's UI "
              + ui
              + " does not answer ("
              + e.getMessage()
              + "): run scripts/test-env/spark.sh",
          e);
    }
    assertThat(state.get("status")).as("Spark master status").isEqualTo("ALIVE");
    assertThat(((Number) state.get("aliveworkers")).intValue())
        .as("alive Spark workers")
        .isPositive();
    return c;
  }

  /**
   * A labrun command line whose environment finds this Spark: SPARK_HOME and the master UI's port.
   */
  public Cli cli(Path home) {
    return new Cli(home)
        .env("SPARK_HOME", sparkHome.toString())
        .env("SPARK_MASTER_WEBUI_PORT", Integer.toString(URI.create(ui).getPort()));
  }

  /**
   * Attaches the test OpenSSH server as the head node of this cluster: a {@code cluster} target
   * with an address, the node's spark-submit (this SPARK_HOME, readable by the test users) and
   * master.
   */
  public void attachHeadNode(Cli cli, Path project, String name) {
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
            sparkHome.resolve("bin/spark-submit").toString(),
            "--spark-master",
            master);
    assertThat(a.code()).as(a.toString()).isZero();
  }

  /** The master's {@code /json/} view: workers, active and completed applications. */
  Map<String, Object> masterState() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(ui + "/json/"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return Json.parseObject(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * An application as the master lists it, under "activeapps" or "completedapps" (the key is added
   * as "listed").
   */
  Optional<Map<String, Object>> app(String id) {
    Map<String, Object> state = masterState();
    for (String list : List.of("activeapps", "completedapps")) {
      for (Object o : (List<?>) state.get(list)) {
        @SuppressWarnings("unchecked")
        Map<String, Object> app = (Map<String, Object>) o;
        if (id.equals(app.get("id"))) {
          Map<String, Object> copy = new LinkedHashMap<>(app);
          copy.put("listed", list);
          return Optional.of(copy);
        }
      }
    }
    return Optional.empty();
  }

  boolean isActive(String id) {
    return app(id).map(a -> "activeapps".equals(a.get("listed"))).orElse(false);
  }

  /** Processes on this machine that belong to a run (they carry its id in their environment). */
  public static long processesOf(String runId) {
    String marker = "LABRUN_RUN_ID=" + runId;
    return ProcessHandle.allProcesses()
        .filter(
            p -> {
              try {
                return new String(
                        Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ")))
                    .contains(marker);
              } catch (IOException | RuntimeException e) {
                return false;
              }
            })
        .count();
  }

  /** The application id a driver printed as {@code APP <id>}. */
  static String appId(String out) {
    Matcher m = APP_ID.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  static boolean gone(long pid) {
    return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
  }

  /**
   * The Py4J client of the test environment ({@code py4j_driver.py}), for drivers without pyspark.
   */
  public String gatewayModule() throws IOException {
    return Files.readString(sparkHome.resolve("labrun/python/py4j_driver.py"));
  }
}
