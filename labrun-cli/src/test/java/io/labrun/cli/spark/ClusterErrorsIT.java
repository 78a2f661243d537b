package io.labrun.cli.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.store.SqlRunStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when a {@code cluster} run cannot go: one line that says what is wrong and what
 * to do, with the exit code of the user guide, and the run (if one was recorded) Failed with the
 * same reason. The rejections come from the real {@code spark-submit} of the test environment.
 */
class ClusterErrorsIT {
  static SparkCluster spark;
  @TempDir Path tmp;

  @BeforeAll
  static void cluster() {
    spark = SparkCluster.require();
  }

  @Test
  void noSparkSubmitWhereConfigured() throws Exception {
    Cli plain = new Cli(tmp); // no SPARK_HOME, no spark-submit on PATH
    Path project = project(plain, spark.master);
    write(project, "hello.py", "print('hello')\n");
    Cli.Result r = plain.in(project, "experiment", "submit", "-c", "spark", "hello.py");
    assertOneLine(
        r,
        4,
        "'spark-submit' not found on PATH and SPARK_HOME is not set; set SPARK_HOME, or"
            + " sparkSubmitLocation in aml_config/spark.compute");
    Files.writeString(
        project.resolve("aml_config/spark.compute"),
        "type: cluster\nsparkSubmitLocation: /opt/nowhere/bin/spark-submit\n");
    r = plain.in(project, "experiment", "submit", "-c", "spark", "hello.py");
    assertOneLine(
        r,
        4,
        "spark-submit not found at /opt/nowhere/bin/spark-submit; fix sparkSubmitLocation in"
            + " aml_config/spark.compute");
    assertThat(runs()).extracting(Run::status).containsOnly(RunStatus.FAILED);
  }

  @Test
  void anUnreachableMasterIsReportedAtOnce() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Cli cli = spark.cli(tmp);
    Path project = project(cli, "spark://127.0.0.1:" + closed);
    write(project, "hello.py", "print('hello')\n");
    long start = System.nanoTime();
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "spark", "hello.py");
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertOneLine(
        r,
        5,
        "Spark master spark://127.0.0.1:"
            + closed
            + " is unreachable (127.0.0.1:"
            + closed
            + ": Connection refused)");
    assertThat(r.err()).contains("fix sparkMaster in aml_config/spark.compute");
    assertThat(seconds).as("no waiting for Spark's own retries (a minute or more)").isLessThan(30);
    assertThat(runs())
        .singleElement()
        .satisfies(
            run -> {
              assertThat(run.status()).isEqualTo(RunStatus.FAILED);
              assertThat(run.statusDetail()).contains("is unreachable");
            });
  }

  @Test
  void aSubmissionSparkRejectsFailsWithSparksReason() throws Exception {
    Cli cli = spark.cli(tmp);
    Path project = project(cli, spark.master);
    write(project, "hello.py", "print('hello')\n");
    write(
        project,
        "aml_config/spark_dependencies.yml",
        "configuration:\n  \"spark.submit.deployMode\": \"cluster\"\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "spark", "hello.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    String reason =
        "Cluster deploy mode is currently not supported for python applications on standalone"
            + " clusters.";
    assertThat(summary(r))
        .contains("Failed")
        .contains("exit code 1: org.apache.spark.SparkException: " + reason);
    Run run = runs().get(0);
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.statusDetail()).contains(reason);

    write(
        project,
        "aml_config/spark_dependencies.yml",
        "configuration:\n  \"spark.executor.memory\": \"lots\"\n");
    Files.copy(spark.wordCountJar, project.resolve("wordcount.jar"));
    write(
        project,
        "aml_config/jar.runconfig",
        "ArgumentVector: [\"--class\", \"io.labrun.testenv.WordCount\", \"$file\"]\n"
            + "Target: spark\n"
            + "Framework: PySpark\n");
    r = cli.in(project, "experiment", "submit", "-c", "jar", "wordcount.jar", "hello.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(summary(r)).contains("Executor memory must be a positive number");
  }

  @Test
  void aBadSparkDependenciesFileNamesFileLineAndColumn() throws Exception {
    Cli cli = spark.cli(tmp);
    Path project = project(cli, spark.master);
    write(project, "hello.py", "print('hello')\n");
    write(
        project,
        "aml_config/spark_dependencies.yml",
        "packages:\n  - group: \"g\"\n    artifact: \"a\"\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "spark", "hello.py");
    assertOneLine(
        r, 2, "aml_config/spark_dependencies.yml:2:5: 'packages' item 1 is missing 'version'");
    assertThat(runs()).isEmpty();
  }

  private Path project(Cli cli, String master) {
    Path project = tmp.resolve("proj");
    if (!Files.exists(project)) {
      assertThat(cli.in(tmp, "project", "init", "proj").code()).isZero();
    }
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
            master,
            "--force");
    assertThat(a.code()).as(a.toString()).isZero();
    return project;
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

  /** The line that says how the run ended. */
  private static String summary(Cli.Result r) {
    return r.err()
        .lines()
        .filter(l -> l.startsWith("Run "))
        .reduce((a, b) -> b)
        .orElse(r.toString());
  }

  private static void write(Path project, String name, String content) throws Exception {
    Files.createDirectories(project.resolve(name).getParent());
    Files.writeString(project.resolve(name), content);
  }

  private List<Run> runs() {
    try (RunStore store = SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"))) {
      return store.list(RunQuery.all());
    }
  }
}
