package io.labrun.cli.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.store.SqlRunStore;
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
 * Runs on a {@code cluster} target submitted from this machine to the real standalone Spark master
 * of the test environment: a Python driver through the real {@code SparkSubmit} (it talks Py4J to
 * the driver JVM, as pyspark would, since pyspark cannot be installed here), cancel of a running
 * application, and a distributed JVM job on the real worker.
 */
class ClusterRunIT {
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
    Cli.Result a =
        cli.in(
            project,
            "computetarget",
            "attach",
            "--name",
            "spark",
            "--type",
            "cluster",
            "--spark-master",
            spark.master);
    assertThat(a.code()).as(a.toString()).isZero();
    write("sparkgw.py", spark.gatewayModule());
  }

  @Test
  void aPythonDriverGetsItsSparkDependenciesRunsAJobAndIsRecorded() throws Exception {
    write(
        "aml_config/spark_dependencies.yml",
        """
        configuration:
          "spark.app.name": "labrun-it-driver"
          "spark.labrun.greeting": "hello from labrun"
          "spark.jars.ivy": "%s"
        repositories:
          - "file:///nonexistent-labrun-repo"
        packages:
          - group: "info.picocli"
            artifact: "picocli"
            version: "4.7.7"
        """
            .formatted(tmp.resolve("ivy")));
    write("helpers.py", "def double(x):\n    return 2 * x\n");
    write(
        "driver.py",
        """
        import os, sys
        import labrun
        from azureml.logging import get_azureml_logger
        from sparkgw import Gateway
        from helpers import double
        gw = Gateway(os.environ["PYSPARK_GATEWAY_PORT"], os.environ["PYSPARK_GATEWAY_SECRET"])
        conf = gw.new("org.apache.spark.SparkConf", True)
        for key in ["spark.app.name", "spark.labrun.greeting", "spark.labrun.runId", "spark.master", "spark.submit.pyFiles"]:
            print("CONF", key, conf.get(key, "<unset>"), flush=True)
        print("JARS", conf.get("spark.jars", ""))
        print("ARGS", sys.argv[1:])
        print("RUN", os.environ.get("LABRUN_RUN_ID"))
        print("driver stderr line", file=sys.stderr)
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
        cli.in(project, "experiment", "submit", "-c", "spark", "driver.py", "one", "two words");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = runId(r);
    assertThat(r.out())
        .contains("CONF spark.app.name labrun-it-driver")
        .contains("CONF spark.labrun.greeting hello from labrun")
        .contains("CONF spark.labrun.runId " + id)
        .contains("CONF spark.master " + spark.master)
        .contains("ARGS ['one', 'two words']")
        .contains("RUN " + id)
        .contains("SUM 5050")
        .contains("driver stderr line"); // Spark's PythonRunner merges the driver's stderr into its
    // stdout
    // --packages and --repositories: spark-submit resolved the package (from ~/.m2, offline)
    // through our repository list
    // and put the jar on the driver's spark.jars.
    assertThat(r.err())
        .contains("file:///nonexistent-labrun-repo added as a remote repository")
        .contains("found info.picocli#picocli;4.7.7");
    assertThat(r.out()).containsPattern("JARS .*info\\.picocli_picocli-4\\.7\\.7\\.jar");
    assertThat(r.out())
        .as("the project's modules go to the executors")
        .containsPattern("CONF spark.submit.pyFiles \\S*/" + id + "/py-files.zip");
    assertThat(r.out())
        .as("the job ran on the worker's executor")
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
        .containsEntry("spark_state", "FINISHED");
    Cli.Result info = cli.in(project, "history", "info", "-r", id, "-o", "json");
    assertThat(info.out())
        .contains("\"spark_app_id\" : \"" + appId + "\"")
        .contains("\"spark_master_ui\" : \"" + spark.ui + "\"");
    assertThat(spark.app(appId))
        .as("the master knows the application")
        .hasValueSatisfying(
            app -> {
              assertThat(app)
                  .containsEntry("listed", "completedapps")
                  .containsEntry("name", "labrun-it-driver");
            });
  }

  @Test
  void cancelStopsTheApplicationOnTheMasterAndItsProcesses() throws Exception {
    write("wait.py", SparkCluster.WAITING_DRIVER);
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "spark", "--detach", "wait.py");
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
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> SparkCluster.gone(python) && SparkCluster.gone(sparkSubmit));
    Run run = run(id);
    assertThat(run.status()).isEqualTo(RunStatus.CANCELED);
    assertThat(run.attributes()).containsEntry("spark_app_id", appId);
  }

  @Test
  void aJarRunsDistributedOnTheWorkerWithSparkOptionsFromTheArgumentVector() throws Exception {
    Files.createDirectories(project.resolve("lib"));
    Files.copy(spark.wordCountJar, project.resolve("lib/wordcount.jar"));
    write("data/words.txt", "the cat and the hat\nThe end\n");
    write(
        "aml_config/wordcount.runconfig",
        """
        ArgumentVector: ["--class", "io.labrun.testenv.WordCount", "$file", "data/words.txt"]
        Target: spark
        Framework: PySpark
        """);
    Cli.Result r =
        cli.in(project, "experiment", "submit", "-c", "wordcount", "lib/wordcount.jar", "2");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("COUNT the 3\n")
        .contains("COUNT cat 1\n")
        .contains("COUNT hat 1\n")
        .contains("SQL_SUM 500500")
        .contains("WORDCOUNT_OK");
    assertThat(r.out())
        .as("tasks ran on the worker's executor, not in the driver")
        .containsPattern("EXECUTORS \\d+\n")
        .doesNotContain("EXECUTORS driver");
    Run run = run(runId(r));
    assertThat(run.arguments()).containsExactly("data/words.txt", "2");
    String appId = run.attributes().get("spark_app_id");
    assertThat(appId).startsWith("app-");
    assertThat(spark.app(appId))
        .hasValueSatisfying(
            app ->
                assertThat(app)
                    .containsEntry("listed", "completedapps")
                    .containsEntry("name", "labrun-wordcount")
                    .containsEntry("state", "FINISHED"));
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
