package io.labrun.compute.local;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.ComputeTargetProvider;
import io.labrun.core.launch.TargetContext;
import io.labrun.core.supervisor.PythonRuntime;
import java.util.List;

/** The {@code local} target: this machine's Python, one runtime per assembly. */
public final class LocalTargetProvider implements ComputeTargetProvider {
  @Override
  public List<TargetType> types() {
    return List.of(TargetType.LOCAL);
  }

  @Override
  public ComputeTarget create(ComputeTargetSpec spec, TargetContext context) {
    return new LocalTarget(spec, runtime(context));
  }

  /** The local runtime of this assembly, made on first use. */
  public static LocalRuntime runtime(TargetContext context) {
    return context.shared(LocalRuntime.class, LocalTargetProvider::newRuntime);
  }

  /** The cached venvs of local targets ({@code labrunLocalVenv: true}). */
  public static LocalEnvironments environments(TargetContext context) {
    return new LocalEnvironments(
        context.dataDir().resolve("envs").resolve("venvs"),
        context.python().pythonPath().resolve("labrun_env.py"),
        context.env());
  }

  private static LocalRuntime newRuntime(TargetContext c) {
    PythonRuntime.Installed py = c.python();
    String supervisorPython =
        c.env().containsKey("LABRUN_SUPERVISOR_PYTHON")
            ? c.env().get("LABRUN_SUPERVISOR_PYTHON")
            : SupervisorPython.resolve("python3", c.env(), c.dataDir().resolve("lib"));
    // A resident labrun keeps its supervisor zygotes between commands (one per environment).
    return new LocalRuntime(
        py.pythonPath(),
        py.supervisor(),
        supervisorPython,
        c.env(),
        c.finalizeCommand(),
        c.paths().shared(),
        c.logLimitBytes(),
        10,
        environments(c),
        c.keptWarm(Supervisors.class, Supervisors::new),
        c.ownerPid(),
        c.workFolders());
  }
}
