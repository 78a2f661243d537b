package io.labrun.server;

import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.history.ApiTokens;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.RunBrowser;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.project.Project;
import io.labrun.core.run.Run;
import io.labrun.core.finish.Reconciler;
import io.labrun.core.finish.RunFinisher;
import io.labrun.core.launch.Submitter;
import io.labrun.core.run.RunEvents;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/**
 * The adapters a server works with, wired by the CLI (the only place that knows them all).
 *
 * @param project the project whose {@code aml_config/} lists the targets shown; null for none
 * @param pipeline how runs are executed; null for a server that only shows history
 */
public record ServerSetup(
    RunStore store,
    RunBrowser browser,
    ApiTokens tokens,
    ObjectStore objects,
    LabrunPaths paths,
    Project project,
    Function<Project, ProjectConfigs> configs,
    Pipeline pipeline,
    Clock clock) {

  /** The core's run pipeline, as the CLI wires it. */
  public interface Pipeline {
    Submitter submitter(ProjectConfigs configs, RunEvents events);

    RunFinisher finisher();

    Reconciler reconciler();

    Optional<ComputeTarget> targetOf(Run run);

    /** Why the server cannot log in to {@code target} (a password it does not have), in one line; null when it can. */
    default String cannotLogIn(io.labrun.core.config.ComputeTargetSpec target) {
      return null;
    }
  }
}
