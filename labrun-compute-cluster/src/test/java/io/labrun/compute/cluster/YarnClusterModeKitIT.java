package io.labrun.compute.cluster;

import io.labrun.compute.testkit.KitRun;
import io.labrun.core.config.SparkDependencies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The compute-target contract at the port on a {@code cluster} target with master YARN in cluster
 * deploy mode ({@code yarnDeployMode: cluster}): each kit script runs as the Python driver in
 * YARN's ApplicationMaster container, with the run's variables and labrun's logging API there, its
 * output read from the NodeManager, its exit code from YARN's diagnostics and its {@code ./outputs}
 * and metrics brought back at its end. One attempt per application, as the original's samples set.
 *
 * <p>Spark's ApplicationMaster requires a driver in cluster mode to start a SparkContext: each kit
 * script starts one first, on its first line (through the test Spark's Py4J client, {@code
 * sparkgw.py}, as pyspark would).
 */
class YarnClusterModeKitIT extends YarnTargetKitIT {
  private static final String START_SPARK =
      "import os as _os, sparkgw as _sg; _gw = _sg.Gateway(_os.environ['PYSPARK_GATEWAY_PORT'],"
          + " _os.environ['PYSPARK_GATEWAY_SECRET']);"
          + " _gw.static('org.apache.spark.sql.SparkSession', 'builder')"
          + ".config(_gw.new('org.apache.spark.SparkConf', True)).getOrCreate(); ";

  @Override
  protected String deployMode() {
    return "cluster";
  }

  @Override
  protected SparkDependencies sparkDependencies() {
    return new SparkDependencies(
        Map.of("spark.yarn.maxAppAttempts", "1", "spark.executor.instances", "1"),
        List.of(),
        List.of());
  }

  @Override
  protected KitRun launch(String script, String source, String... args) throws Exception {
    Path gateway = Path.of(System.getenv("SPARK_HOME"), "labrun/python/py4j_driver.py");
    Files.copy(
        gateway, project().root().resolve("sparkgw.py"), StandardCopyOption.REPLACE_EXISTING);
    return super.launch(script, START_SPARK + source, args);
  }
}
