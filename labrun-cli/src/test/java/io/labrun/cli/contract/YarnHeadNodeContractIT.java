package io.labrun.cli.contract;

import io.labrun.cli.Cli;
import io.labrun.cli.spark.YarnCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeAll;

/**
 * The compute-target contract through a head node on YARN, as HDInsight was used: labrun logs in to
 * the test OpenSSH server (the head node) and its {@code spark-submit --master yarn} submits the
 * contract's scripts to the real YARN of {@code scripts/test-env/yarn.sh}, in client deploy mode
 * (the driver runs on the head node under the run's supervisor there). The head node's {@code
 * HADOOP_CONF_DIR} comes from the run configuration. {@link YarnHeadNodeClusterModeContractIT}: the
 * same in cluster deploy mode.
 */
class YarnHeadNodeContractIT extends HeadNodeTargetContractIT {
  static YarnCluster yarn;

  @BeforeAll
  static void yarn() {
    yarn = YarnCluster.require();
  }

  /** The {@code yarnDeployMode} of the target. */
  protected String deployMode() {
    return "client";
  }

  @Override
  protected Cli newCli(Path home) {
    return yarn.spark.cli(home); // no HADOOP_CONF_DIR here: the head node's is the run's
  }

  @Override
  protected ContractScripts scripts() {
    return YarnClusterMode.of(deployMode(), yarn);
  }

  @Override
  protected String target(Path project) throws Exception {
    yarn.attachHeadNode(cli, project, "head");
    Path compute = project.resolve("aml_config/head.compute");
    String written = Files.readString(compute);
    Files.writeString(
        compute,
        (written.endsWith("\n") ? "" : "\n") + "yarnDeployMode: " + deployMode() + "\n",
        StandardOpenOption.APPEND);
    Files.writeString(
        project.resolve("aml_config/spark_dependencies.yml"), YarnCluster.SPARK_DEPENDENCIES);
    return "head";
  }

  @Override
  protected String environmentExtra() {
    return "  HADOOP_CONF_DIR: \"" + yarn.confDir + "\"\n";
  }
}
