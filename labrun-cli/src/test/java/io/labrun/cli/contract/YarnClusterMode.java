package io.labrun.cli.contract;

import io.labrun.cli.spark.YarnCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the contract expects of a Python driver in YARN's ApplicationMaster container (cluster
 * deploy mode), wherever {@code spark-submit} runs (this machine, a head node).
 *
 * <p>Spark's ApplicationMaster requires a driver in cluster mode to start a SparkContext (else YARN
 * fails the application: "User did not initialize spark context!"): as any PySpark job does, each
 * contract script starts one first, on its first line, so that its line numbers stay as written
 * (through {@code sparkgw.py}, the test Spark's Py4J client, as pyspark would).
 */
final class YarnClusterMode implements ContractScripts {
  private final YarnCluster yarn;

  private YarnClusterMode(YarnCluster yarn) {
    this.yarn = yarn;
  }

  /** The contract's scripts on {@code yarn} in {@code deployMode} ({@code yarnDeployMode}). */
  static ContractScripts of(String deployMode, YarnCluster yarn) {
    return deployMode.equals("cluster") ? new YarnClusterMode(yarn) : AS_WRITTEN;
  }

  @Override
  public String content(String name, String content) {
    return name.endsWith(".py") ? YarnCluster.withSparkContext(content) : content;
  }

  @Override
  public void prepare(Path project) throws IOException {
    Files.writeString(project.resolve("sparkgw.py"), yarn.spark.gatewayModule());
  }

  /** An ApplicationMaster container and a SparkContext start first: most of a minute under load. */
  @Override
  public Duration patience() {
    return Duration.ofMinutes(4);
  }

  /** The reason is YARN's diagnostic ({@code User application exited with status 3}). */
  @Override
  public boolean lastStderrLineIsTheReason() {
    return false;
  }
}
