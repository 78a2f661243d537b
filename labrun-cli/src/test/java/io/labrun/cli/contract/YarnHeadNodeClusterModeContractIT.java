package io.labrun.cli.contract;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The compute-target contract through a head node on YARN in cluster deploy mode: the head node's
 * {@code spark-submit} puts each script as the Python driver in YARN's ApplicationMaster container;
 * its output, {@code ./outputs} and metrics come back through the head node. Each script starts a
 * SparkContext first (see {@link YarnClusterMode}).
 */
class YarnHeadNodeClusterModeContractIT extends YarnHeadNodeContractIT {
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
