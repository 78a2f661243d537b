package io.labrun.core.launch;

import io.labrun.core.plan.RunPlan;
import java.util.List;
import java.util.Map;

/**
 * A target that can start a command of labrun's own in place of the run's script, under the run's
 * supervisor: how a target built on another reuses it (a {@code cluster} target runs its Spark
 * driver as a local run, or as a run on its head node), without depending on its module.
 */
public interface CommandTarget extends ComputeTarget {
  /**
   * Starts {@code command} as the run's script, with the run's environment plus {@code extraEnv},
   * and {@code runFiles} (by name) in the run's state folder where the supervisor runs.
   */
  Execution launch(
      RunPlan plan,
      List<String> command,
      Map<String, String> extraEnv,
      Map<String, byte[]> runFiles);
}
