package io.labrun.cli.contract;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The compute-target contract on a {@code cluster} target with master YARN in cluster deploy mode
 * ({@code yarnDeployMode: cluster}, the original's default): each script runs as the Python driver
 * in YARN's ApplicationMaster container, with the run's working folder, variables and labrun's
 * logging API there, its output streamed back from the NodeManager and its {@code ./outputs} and
 * metrics brought back at its end. Each script starts a SparkContext first (see {@link
 * YarnClusterMode}).
 */
class YarnClusterModeContractIT extends YarnTargetContractIT {
  @Override
  protected String deployMode() {
    return "cluster";
  }

  @Override
  protected Duration patience() {
    return YarnClusterMode.PATIENCE;
  }

  @Test
  @Override
  void aNonZeroExitFailsTheRunWithItsCodeAndStderr() throws Exception {
    YarnClusterMode.aNonZeroExitFailsTheRunWithItsCode(this);
  }

  @Override
  protected void write(String name, String content) throws Exception {
    YarnClusterMode.write(this, yarn, name, content);
  }
}
