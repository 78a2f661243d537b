package io.labrun.cli.contract;

import io.labrun.cli.Cli;
import io.labrun.cli.spark.YarnCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/**
 * The compute-target contract on a {@code cluster} target whose master is the real YARN of {@code
 * scripts/test-env/yarn.sh}, in client deploy mode: the contract's scripts run as Python drivers
 * through the real {@code spark-submit --master yarn}, under the run's supervisor. (In cluster
 * deploy mode Spark requires every driver to start a SparkContext, which the contract's plain
 * scripts do not; {@code YarnRunIT} covers that mode.)
 */
class YarnTargetContractIT extends ClusterTargetContractIT {
  static YarnCluster yarn;

  @BeforeAll
  static void yarn() {
    yarn = YarnCluster.require();
  }

  @Override
  protected Cli newCli(Path home) {
    return yarn.cli(home);
  }

  @Override
  protected String target(Path project) throws Exception {
    Files.writeString(
        project.resolve("aml_config/spark.compute"),
        "type: cluster\nsparkMaster: yarn\nyarnDeployMode: client\n");
    Files.writeString(
        project.resolve("aml_config/spark_dependencies.yml"), YarnCluster.SPARK_DEPENDENCIES);
    return "spark";
  }
}
