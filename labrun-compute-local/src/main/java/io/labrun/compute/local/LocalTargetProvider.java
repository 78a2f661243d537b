package io.labrun.compute.local;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Framework;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.TargetType;
import io.labrun.core.environment.EnvironmentUse;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.ComputeTargetProvider;
import io.labrun.core.launch.TargetCleaner;
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

  /** {@code experiment clean}: the cached venvs, when no run may be using one. */
  @Override
  public TargetCleaner cleaner(TargetContext context) {
    return request -> environments(context).clean(request.nothingUnfinished());
  }

  /**
   * This machine's Python as it is, whatever the configuration asks, as in the original; a venv
   * built from the conda file for Python runs when the target or a 2018 configuration asks for one.
   */
  @Override
  public EnvironmentUse environment(ComputeTargetSpec spec, RunConfiguration c) {
    if (spec.installsNothing(c)) {
      return EnvironmentUse.AS_IS_WHATEVER_ASKED;
    }
    return c.frameworkOrDefault() == Framework.PYTHON
        ? EnvironmentUse.built(c.prepares() || spec.localVenv())
        : EnvironmentUse.AS_IS;
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
