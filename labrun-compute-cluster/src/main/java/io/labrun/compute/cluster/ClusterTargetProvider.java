package io.labrun.compute.cluster;

import io.labrun.compute.local.LocalTarget;
import io.labrun.compute.local.LocalTargetProvider;
import io.labrun.compute.remote.RemoteTargetProvider;
import io.labrun.compute.remote.SshTargets;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.ComputeTargetProvider;
import io.labrun.core.launch.TargetContext;
import io.labrun.core.launch.TargetKey;
import java.util.List;

/** The {@code cluster} target: Spark from this machine, or from a head node over SSH when the file names an address. */
public final class ClusterTargetProvider implements ComputeTargetProvider {
  @Override
  public List<TargetType> types() {
    return List.of(TargetType.CLUSTER);
  }

  /** {@code yarnDeployMode}: where the driver runs on YARN (see {@link YarnDeployMode}). */
  @Override
  public List<TargetKey> keys() {
    return List.of(new TargetKey(YarnDeployMode.KEY, TargetKey.Kind.TEXT, value -> YarnDeployMode.problem(YarnDeployMode.KEY, value)));
  }

  @Override
  public ComputeTarget create(ComputeTargetSpec spec, TargetContext context) {
    if (spec.address() == null || spec.address().isBlank()) {
      return new ClusterTarget(spec, new LocalTarget(spec, LocalTargetProvider.runtime(context)), context.env());
    }
    SshTargets ssh = RemoteTargetProvider.sshTargets(context);
    return new HeadNodeTarget(spec, ssh.remote(spec), ssh.session(spec), context.env(), context.dataDir().resolve("envs").resolve("logs"));
  }
}
