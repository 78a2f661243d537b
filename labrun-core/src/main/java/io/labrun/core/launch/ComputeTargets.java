package io.labrun.core.launch;

import io.labrun.core.config.ComputeTargetSpec;

/** Port: finds the adapter for a compute target (the CLI and the server wire the adapters in). */
public interface ComputeTargets {
  /**
   * The adapter for this target; a clear {@code LabrunException} when its type is not supported.
   */
  ComputeTarget forSpec(ComputeTargetSpec spec);
}
