package io.labrun.compute.remote;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.ComputeTargetProvider;
import io.labrun.core.launch.TargetContext;
import io.labrun.ssh.HostSessions;
import java.util.List;

/**
 * The {@code remote} and {@code remotedocker} targets: hosts over SSH, one connection per host and
 * assembly.
 */
public final class RemoteTargetProvider implements ComputeTargetProvider {
  @Override
  public List<TargetType> types() {
    return List.of(TargetType.REMOTE, TargetType.REMOTE_DOCKER);
  }

  @Override
  public ComputeTarget create(ComputeTargetSpec spec, TargetContext context) {
    return sshTargets(context).forSpec(spec);
  }

  /**
   * The SSH targets of this assembly, on its connections; the runs of a parallel sweep share them.
   */
  public static SshTargets sshTargets(TargetContext context) {
    return context.shared(
        SshTargets.class,
        c ->
            new SshTargets(
                new SshTargets.Settings(
                    c.objects(),
                    () -> c.python().pythonPath(),
                    c.dataDir().resolve("envs"),
                    c.env(),
                    c.logLimitBytes()),
                HostSessions.of(c)));
  }
}
