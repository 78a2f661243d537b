package io.labrun.cli.contract;

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
}
