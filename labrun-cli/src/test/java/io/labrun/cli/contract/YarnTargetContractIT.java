package io.labrun.cli.contract;

import io.labrun.cli.Cli;
import io.labrun.cli.spark.YarnCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/**
 * The compute-target contract on a {@code cluster} target whose master is the real YARN of {@code
 * scripts/test-env/yarn.sh}, in client deploy mode: the contract's scripts run as Python drivers
 * through the real {@code spark-submit --master yarn}, under the run's supervisor. {@link
 * YarnClusterModeContractIT}: the same in cluster deploy mode.
 */
class YarnTargetContractIT extends ClusterTargetContractIT {
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
    return yarn.cli(home);
  }

  @Override
  protected ContractScripts scripts() {
    return YarnClusterMode.of(deployMode(), yarn);
  }

  @Override
  protected String target(Path project) throws Exception {
    Files.writeString(
        project.resolve("aml_config/spark.compute"),
        "type: cluster\nsparkMaster: yarn\nyarnDeployMode: " + deployMode() + "\n");
    Files.writeString(
        project.resolve("aml_config/spark_dependencies.yml"), YarnCluster.SPARK_DEPENDENCIES);
    return "spark";
  }
}
