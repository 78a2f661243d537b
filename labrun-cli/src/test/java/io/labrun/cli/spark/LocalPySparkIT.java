package io.labrun.cli.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import io.labrun.core.history.RunStore;
import io.labrun.store.SqlRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Framework: PySpark} on the {@code local} target: the script runs through the target's
 * {@code sparkSubmitLocation} (here the real {@code spark-submit} of the test environment), with
 * the target's {@code sparkMaster} and the Spark dependencies file as its options. The driver reads
 * the properties back from the driver JVM over Py4J, without starting an application.
 */
class LocalPySparkIT {
  static SparkCluster spark;
  @TempDir Path tmp;

  @BeforeAll
  static void cluster() {
    spark = SparkCluster.require();
  }

  @Test
  void aPySparkRunOnTheLocalTargetGoesThroughItsSparkSubmit() throws Exception {
    Cli cli = new Cli(tmp); // SPARK_HOME is not needed: the target names its spark-submit
    assertThat(cli.in(tmp, "project", "init", "proj").code()).isZero();
    Path project = tmp.resolve("proj");
    Files.writeString(
        project.resolve("aml_config/local.compute"),
        """
        type: local
        pythonLocation: python3
        sparkSubmitLocation: "%s"
        sparkMaster: "%s"
        """
            .formatted(spark.sparkHome.resolve("bin/spark-submit"), spark.master));
    Files.writeString(
        project.resolve("aml_config/pyspark.runconfig"),
        "ArgumentVector: [\"$file\"]\nTarget: local\nFramework: PySpark\n");
    Files.writeString(
        project.resolve("aml_config/spark_dependencies.yml"),
        "configuration:\n"
            + "  \"spark.labrun.greeting\": \"hi\"\n"
            + "  \"spark.executor.memory\": \"512m\"\n");
    Files.writeString(project.resolve("sparkgw.py"), spark.gatewayModule());
    Files.writeString(
        project.resolve("conf.py"),
        """
        import os, sys
        import labrun
        from sparkgw import Gateway
        gw = Gateway(os.environ["PYSPARK_GATEWAY_PORT"], os.environ["PYSPARK_GATEWAY_SECRET"])
        conf = gw.new("org.apache.spark.SparkConf", True)
        for key in ["spark.labrun.greeting", "spark.executor.memory", "spark.master"]:
            print("CONF", key, conf.get(key, "<unset>"))
        print("ARGS", sys.argv[1:])
        labrun.log_metric("seen", 1)
        os.makedirs("outputs", exist_ok=True)
        open("outputs/ok.txt", "w").write("ok")
        """);
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "pyspark", "conf.py", "x", "--y");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("CONF spark.labrun.greeting hi")
        .contains("CONF spark.executor.memory 512m")
        .contains("CONF spark.master " + spark.master)
        .contains("ARGS ['x', '--y']");
    assertThat(r.err()).contains("Completed").contains("seen = 1").contains("outputs/ok.txt");
    String id =
        r.err().lines().filter(l -> l.startsWith("RunId: ")).findFirst().orElseThrow().substring(7);
    try (RunStore store = SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"))) {
      assertThat(store.find(id).orElseThrow().arguments()).containsExactly("x", "--y");
    }
  }
}
