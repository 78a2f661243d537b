package io.labrun.app;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.finish.Reconciler;
import io.labrun.core.finish.RunFinisher;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.Submitter;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import java.util.Optional;

/**
 * The core's run pipeline with its adapters, as {@link Assembly} connects them (tests may connect
 * fewer).
 */
public interface RunPipeline {
  Submitter submitter(ProjectConfigs configs, RunEvents events);

  RunFinisher finisher();

  Reconciler reconciler();

  Optional<ComputeTarget> targetOf(Run run);

  /**
   * Why runs cannot log in to {@code target} (a password not stored), in one line; null when they
   * can.
   */
  default String cannotLogIn(ComputeTargetSpec target) {
    return null;
  }
}
