package io.labrun.compute.cluster;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Framework;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.TargetType;
import io.labrun.core.environment.EnvironmentUse;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.CommandTarget;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.ComputeTargetProvider;
import io.labrun.core.launch.TargetContext;
import io.labrun.core.launch.TargetKey;
import io.labrun.ssh.HostSessions;
import java.util.List;

/**
 * The {@code cluster} target: Spark from this machine, its driver run as a local run, or from a
 * head node over SSH when the file names an address, its driver run as a remote run there.
 */
public final class ClusterTargetProvider implements ComputeTargetProvider {
  @Override
  public List<TargetType> types() {
    return List.of(TargetType.CLUSTER);
  }

  /** {@code yarnDeployMode}: where the driver runs on YARN (see {@link YarnDeployMode}). */
  @Override
  public List<TargetKey> keys() {
    return List.of(
        new TargetKey(
            YarnDeployMode.KEY,
            TargetKey.Kind.TEXT,
            value -> YarnDeployMode.problem(YarnDeployMode.KEY, value)));
  }

  /**
   * A head node builds a PySpark run's environment there when the configuration asks for it ({@code
   * PrepareEnvironment: true}); otherwise the driver runs the target's Python as it is.
   */
  @Override
  public EnvironmentUse environment(ComputeTargetSpec spec, RunConfiguration c) {
    boolean headNode = spec.address() != null && !spec.address().isBlank();
    return headNode && c.frameworkOrDefault() == Framework.PYSPARK && c.prepares()
        ? EnvironmentUse.BUILT_WITH_THE_RUN
        : EnvironmentUse.AS_IS;
  }

  @Override
  public ComputeTarget create(ComputeTargetSpec spec, TargetContext context) {
    if (spec.address() == null || spec.address().isBlank()) {
      return new ClusterTarget(spec, driverTarget(TargetType.LOCAL, spec, context), context.env());
    }
    return new HeadNodeTarget(
        spec,
        driverTarget(TargetType.REMOTE, spec, context),
        HostSessions.of(context).session(spec),
        context.env(),
        context.dataDir().resolve("envs").resolve("logs"));
  }

  /**
   * The target of {@code kind} the driver runs under, with this cluster's spec (its interpreter,
   * its host).
   */
  private static CommandTarget driverTarget(
      TargetType kind, ComputeTargetSpec spec, TargetContext context) {
    if (context.target(kind, spec) instanceof CommandTarget t) {
      return t;
    }
    throw LabrunException.badInput(
        "compute target '"
            + spec.name()
            + "' needs a "
            + kind.configName()
            + " target that runs a Spark driver, which this labrun lacks");
  }
}
