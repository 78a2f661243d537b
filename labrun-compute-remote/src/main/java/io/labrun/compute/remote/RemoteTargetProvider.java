package io.labrun.compute.remote;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.ComputeTargetProvider;
import io.labrun.core.launch.TargetContext;
import io.labrun.ssh.HostKeyPolicy;
import io.labrun.ssh.PassphrasePrompt;
import java.nio.file.Path;
import java.util.List;

/** The {@code remote} and {@code remotedocker} targets: hosts over SSH, one connection per host and assembly. */
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
   * The SSH targets and their connections (one per host for this assembly, closed with it): the
   * runs of a parallel sweep ask for them at once, and must share one.
   */
  public static SshTargets sshTargets(TargetContext context) {
    return context.shared(SshTargets.class, c -> {
      Path userHome = Path.of(c.env().getOrDefault("HOME", System.getProperty("user.home")));
      return new SshTargets(new SshTargets.Settings(c.paths(), userHome, c.passwords(), c.objects(), () -> c.python().pythonPath(),
          c.dataDir().resolve("envs"), c.env(), c.logLimitBytes(), c.offered(HostKeyPolicy.HostKeyPrompt.class).orElse(null),
          c.offered(PassphrasePrompt.class).orElse(null)));
    });
  }
}
