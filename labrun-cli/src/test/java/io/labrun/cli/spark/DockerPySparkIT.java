package io.labrun.cli.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.labrun.cli.Cli;
import io.labrun.cli.DockerTestEngine;
import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.store.SqlRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Framework: PySpark} on a {@code docker} target: the script runs through the image's own
 * {@code spark-submit} (image {@code labrun-test/pyspark:bookworm}: the base image plus a Java
 * runtime and the test SPARK_HOME, built by {@code scripts/test-env/pyspark-image.sh}). The driver
 * speaks Py4J to the driver JVM (pyspark itself cannot be installed here) and runs Spark SQL: in
 * the container's own local Spark, and, on the host network, on the real standalone cluster's
 * executors.
 */
class DockerPySparkIT {
  static final String DRIVER =
      """
      import os, sys
      import labrun
      from sparkgw import Gateway
      gw = Gateway(os.environ["PYSPARK_GATEWAY_PORT"], os.environ["PYSPARK_GATEWAY_SECRET"])
      conf = gw.new("org.apache.spark.SparkConf", True)
      print("GREETING", conf.get("spark.labrun.greeting", "<unset>"))
      spark = gw.static("org.apache.spark.sql.SparkSession", "builder").config(conf).getOrCreate()
      try:
          print("MASTER", spark.sparkContext().master())
          total = spark.sql("SELECT sum(id) AS s FROM range(1, 1001, 1, 4)").first().getLong(0)
          print("SUM", total)
          print("EXECUTORS", spark.sparkContext().getExecutorIds().mkString(","))
      finally:
          spark.stop()
      print("ARGS", sys.argv[1:])
      labrun.log_metric("total", total)
      os.makedirs("outputs", exist_ok=True)
      open("outputs/sum.txt", "w").write(str(total))
      """;

  static SparkCluster spark;
  static String image;
  @TempDir Path tmp;
  Path project;

  @BeforeAll
  static void components() {
    spark = SparkCluster.require();
    image = System.getenv("LABRUN_TEST_PYSPARK_IMAGE");
    if (image == null || image.isBlank()) {
      fail(
          "LABRUN_TEST_PYSPARK_IMAGE is not set: run the tests with scripts/test.sh, or eval"
              + " \"$(scripts/test-env/pyspark-image.sh)\" first");
    }
    DockerTestEngine.host();
    assertThat(DockerTestEngine.docker("image", "inspect", image).code())
        .as("the engine has " + image)
        .isZero();
  }

  @BeforeEach
  void project() throws Exception {
    assertThat(new Cli(tmp).in(tmp, "project", "init", "proj").code()).isZero();
    project = tmp.resolve("proj");
    Files.writeString(
        project.resolve("aml_config/spark_dependencies.yml"),
        "configuration:\n  \"spark.labrun.greeting\": \"hi from docker\"\n");
    Files.writeString(project.resolve("sparkgw.py"), spark.gatewayModule());
    Files.writeString(project.resolve("driver.py"), DRIVER);
  }

  private void target(String name, String extra) throws Exception {
    Files.writeString(
        project.resolve("aml_config/" + name + ".compute"),
        "type: docker\nbaseDockerImage: "
            + image
            + "\nsparkSubmitLocation: spark-submit\n"
            + extra);
    Files.writeString(
        project.resolve("aml_config/" + name + ".runconfig"),
        "ArgumentVector: [\"$file\"]\nTarget: "
            + name
            + "\nFramework: PySpark\nPrepareEnvironment: true\n");
  }

  @Test
  void aPySparkRunInDockerUsesTheImagesSparkSubmitAndItsLocalSpark() throws Exception {
    target("sparkdocker", "");
    Cli cli = DockerTestEngine.cli(tmp); // network none: Spark in local mode inside the container
    Cli.Result r =
        cli.in(project, "experiment", "submit", "-c", "sparkdocker", "driver.py", "a", "--b");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("GREETING hi from docker")
        .contains("MASTER local[*]")
        .contains("SUM 500500")
        .contains("ARGS ['a', '--b']");
    assertThat(executors(r))
        .as("local mode: the job ran in the driver, no executor registered")
        .isEmpty();
    assertThat(r.err())
        .contains("Completed")
        .contains("total = 500500")
        .contains("outputs/sum.txt");
    Run run = onlyRun();
    assertThat(run.arguments()).containsExactly("a", "--b");
    assertThat(DockerTestEngine.containersOf(run.id())).as("the container is removed").isEmpty();
  }

  @Test
  void onTheHostNetworkTheContainersDriverRunsItsJobOnTheStandaloneClustersExecutors()
      throws Exception {
    target("sparkcluster", "sparkMaster: \"" + spark.master + "\"\n");
    Cli cli = DockerTestEngine.cli(tmp).env("LABRUN_DOCKER_NETWORK", "host");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "sparkcluster", "driver.py");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("MASTER " + spark.master).contains("SUM 500500");
    assertThat(executors(r))
        .as("executors of the cluster's worker, not the driver")
        .isNotBlank()
        .doesNotContain("driver");
    assertThat(r.err()).contains("Completed").contains("total = 500500");
  }

  private static String executors(Cli.Result r) {
    return r.out()
        .lines()
        .filter(l -> l.startsWith("EXECUTORS"))
        .findFirst()
        .orElseThrow()
        .substring(9)
        .strip();
  }

  private Run onlyRun() throws Exception {
    try (RunStore store = SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"))) {
      var runs = store.list(RunQuery.all());
      assertThat(runs).hasSize(1);
      return runs.get(0);
    }
  }
}
