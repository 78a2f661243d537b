package io.labrun.server;

import io.labrun.app.RunPipeline;
import io.labrun.compute.local.LocalEnvironments;
import io.labrun.compute.local.LocalRuntime;
import io.labrun.compute.local.LocalTarget;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.config.TargetType;
import io.labrun.core.error.LabrunException;
import io.labrun.core.finish.Reconciler;
import io.labrun.core.finish.RunFinisher;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.ComputeTargets;
import io.labrun.core.launch.Submitter;
import io.labrun.core.plan.RunPlanner;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.snapshot.Snapshotter;
import io.labrun.core.supervisor.PythonRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The core's run pipeline with the real local target, wired as the CLI wires it (HOME inside the
 * test's folder).
 */
final class LocalPipeline implements RunPipeline {
  static final String HOST = "server-under-test";
  private final RunStore store;
  private final ObjectStore objects;
  private final LabrunPaths paths;
  private final LocalRuntime runtime;
  private final Clock clock = Clock.systemUTC();

  LocalPipeline(RunStore store, ObjectStore objects, LabrunPaths paths, Path home)
      throws IOException {
    this.store = store;
    this.objects = objects;
    this.paths = paths;
    PythonRuntime.Installed py = PythonRuntime.extract(paths.dataDir().resolve("lib"));
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("HOME", home.toString());
    this.runtime =
        new LocalRuntime(
            py.pythonPath(),
            py.supervisor(),
            "python3",
            env,
            List.of(),
            paths.shared(),
            LocalRuntime.DEFAULT_LOG_LIMIT,
            10,
            new LocalEnvironments(
                paths.dataDir().resolve("envs/venvs"),
                py.pythonPath().resolve("labrun_env.py"),
                env));
  }

  private ComputeTargets targets() {
    return spec -> {
      if (spec.type() != TargetType.LOCAL) {
        throw LabrunException.badInput("only local targets in this test");
      }
      return new LocalTarget(spec, runtime);
    };
  }

  @Override
  public Submitter submitter(ProjectConfigs configs, RunEvents events) {
    return new Submitter(
        new RunPlanner(configs, events),
        store,
        new Snapshotter(objects, paths.cache()),
        targets(),
        paths,
        clock,
        "server",
        HOST);
  }

  @Override
  public RunFinisher finisher() {
    return new RunFinisher(store, objects, paths, clock);
  }

  @Override
  public Reconciler reconciler() {
    return new Reconciler(store, finisher(), paths, this::targetOf, clock, HOST);
  }

  @Override
  public Optional<ComputeTarget> targetOf(Run run) {
    return Optional.of(targets().forSpec(ComputeTargetSpec.of(run.target(), TargetType.LOCAL)));
  }
}
