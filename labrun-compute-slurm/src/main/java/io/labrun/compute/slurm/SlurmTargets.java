package io.labrun.compute.slurm;

import io.labrun.compute.remote.HostSession;
import io.labrun.compute.remote.SshTargets;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.launch.ComputeTarget;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Makes {@code slurm} compute targets: without an {@code address}, Slurm's commands run on this
 * machine; with one, on the cluster's login node over the SSH targets' connection to it.
 */
public final class SlurmTargets {
  /**
   * What the slurm targets need from this machine.
   *
   * @param env the user's environment (Slurm's commands on {@code PATH}; what jobs submitted here inherit)
   * @param pythonDir labrun's Python files here (the supervisor)
   * @param logLimitBytes the output log limit of a run
   * @param ssh the SSH targets, whose connections reach login nodes
   * @param objects the object store the snapshots are in
   */
  public record Settings(Map<String, String> env, Supplier<Path> pythonDir, long logLimitBytes, Supplier<SshTargets> ssh, ObjectStore objects, Clock clock) {}

  private final Settings settings;

  public SlurmTargets(Settings settings) {
    this.settings = settings;
  }

  public ComputeTarget forSpec(ComputeTargetSpec spec) {
    SlurmSide side;
    if (spec.address() == null || spec.address().isBlank()) {
      side = new ThisMachine(settings.env(), settings.pythonDir());
    } else {
      SshTargets ssh = settings.ssh().get();
      HostSession host = ssh.session(spec);
      host.prefetch(); // connect while the project is snapshotted
      side = new LoginNode(host, ssh.remote(spec), settings.objects());
    }
    return new SlurmTarget(spec, side, settings.logLimitBytes(), settings.clock());
  }
}
