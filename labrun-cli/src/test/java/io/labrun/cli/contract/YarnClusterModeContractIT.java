package io.labrun.cli.contract;

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
}
