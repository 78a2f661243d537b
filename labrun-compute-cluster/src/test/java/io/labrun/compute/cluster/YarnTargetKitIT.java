package io.labrun.compute.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import java.util.Map;

/**
 * The compute-target contract at the port on a {@code cluster} target whose master is the real YARN
 * of {@code scripts/test-env/yarn.sh}, in client deploy mode ({@code yarnDeployMode: client}): the
 * kit's scripts run as Python drivers through the real {@code spark-submit --master yarn}. {@link
 * YarnClusterModeKitIT}: the same in cluster deploy mode.
 */
class YarnTargetKitIT extends ClusterTargetKitIT {
  @Override
  protected ComputeTargetSpec spec() {
    return new ComputeTargetSpec(
        "yarn",
        TargetType.CLUSTER,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        "yarn",
        Map.of(YarnDeployMode.KEY, deployMode()));
  }

  /** The target's {@code yarnDeployMode}. */
  protected String deployMode() {
    return "client";
  }

  @Override
  protected Map<String, String> environment() {
    assertThat(System.getenv("HADOOP_CONF_DIR"))
        .as("HADOOP_CONF_DIR: source /tmp/w/env.sh (scripts/test.sh starts YARN)")
        .isNotBlank();
    return super.environment();
  }
}
