package io.labrun.compute.slurm;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Framework;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.TargetType;
import io.labrun.core.environment.EnvironmentUse;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.ComputeTargetProvider;
import io.labrun.core.launch.TargetContext;
import io.labrun.core.launch.TargetKey;
import io.labrun.ssh.HostSession;
import io.labrun.ssh.HostSessions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code slurm} target (labrun's own): Slurm's commands on this machine, or on the cluster's
 * login node over the SSH targets' connection when the file names an address.
 */
public final class SlurmTargetProvider implements ComputeTargetProvider {
  /** Runs leave this machine (for a compute node); no environment image. */
  public static final TargetType SLURM = new TargetType("slurm", List.of(), false, true);

  @Override
  public List<TargetType> types() {
    return List.of(SLURM);
  }

  @Override
  public List<TargetKey> keys() {
    List<TargetKey> keys = new ArrayList<>();
    for (String text : SlurmSettings.TEXT_KEYS) {
      keys.add(
          new TargetKey(text, TargetKey.Kind.TEXT, value -> SlurmSettings.problem(text, value)));
    }
    keys.add(new TargetKey(SlurmSettings.NODES, TargetKey.Kind.COUNT));
    keys.add(new TargetKey(SlurmSettings.CPUS_PER_TASK, TargetKey.Kind.COUNT));
    keys.add(
        new TargetKey(
            SlurmSettings.SBATCH_OPTIONS,
            TargetKey.Kind.TEXT_LIST,
            value -> SlurmSettings.problem(SlurmSettings.SBATCH_OPTIONS, value)));
    return keys;
  }

  /**
   * The compute node runs {@code pythonLocation} as it is, unless the configuration says {@code
   * PrepareEnvironment: true}: then the conda file's environment is made where the nodes see it.
   */
  @Override
  public EnvironmentUse environment(ComputeTargetSpec spec, RunConfiguration c) {
    return c.frameworkOrDefault() == Framework.PYTHON && c.prepares()
        ? EnvironmentUse.BUILT_WITH_THE_RUN
        : EnvironmentUse.AS_IS;
  }

  /** A local target with this target's Python that builds venvs ({@code labrunLocalVenv: true}). */
  private static ComputeTargetSpec venvOf(ComputeTargetSpec spec) {
    return new ComputeTargetSpec(
        spec.name(),
        TargetType.LOCAL,
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
        spec.python(),
        null,
        null,
        Map.of(ComputeTargetSpec.LOCAL_VENV, true));
  }

  @Override
  public ComputeTarget create(ComputeTargetSpec spec, TargetContext context) {
    SlurmSide side;
    if (spec.address() == null || spec.address().isBlank()) {
      if (SlurmSettings.of(spec).workFolder() != null) {
        throw LabrunException.badInput(
            "workFolder in aml_config/"
                + spec.name()
                + ".compute is for a slurm target with an address (its login node); without one,"
                + " runs live in labrun's data folder: drop workFolder and set LABRUN_HOME to a"
                + " folder on the shared file system");
      }
      // venvs are the local target's (found by its type), in labrun's data folder on the shared
      // file system
      side =
          new ThisMachine(
              context.env(),
              () -> context.python().pythonPath(),
              () -> context.target(TargetType.LOCAL, venvOf(spec)));
    } else {
      HostSession host = HostSessions.of(context).session(spec);
      host.prefetch(); // connect while the project is snapshotted
      // the remote target on the same login (found by its type) reads, collects and removes run
      // folders there
      side =
          new LoginNode(
              host,
              context.target(TargetType.REMOTE, spec),
              context.objects(),
              context.env(),
              context.dataDir().resolve("envs").resolve("logs"),
              SlurmSettings.of(spec).workFolder());
    }
    return new SlurmTarget(
        spec,
        side,
        context.shared(ArrayLooks.class, c -> new ArrayLooks()),
        context.logLimitBytes(),
        Clock.systemUTC());
  }
}
