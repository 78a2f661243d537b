package io.labrun.core.launch;

import io.labrun.core.plan.RunPlan;
import java.util.List;

/**
 * Opt-in capability of a compute target ({@link ComputeTarget#batchLaunch}): many runs launched as
 * one submission of the target's own (a Slurm job array), of which the target itself runs at most
 * {@code parallel} at once and starts the next as one ends, with no labrun process in between. A
 * sweep launches its runs so when its target offers it; every other target launches one run at a
 * time. Each run of a batch keeps its own record, state folder and {@link Execution}: it waits in
 * the target's queue ({@link Execution#queued}) until the target starts it, and is followed,
 * canceled, collected and found again ({@link ComputeTarget#reattach}) on its own, as any run.
 */
public interface BatchLaunch {
  /** At most how many runs one batch holds. */
  int maxRuns();

  /**
   * Launches {@code plans} (prepared, of one target, with the same timeout) as one batch of which
   * at most {@code parallel} run at once; returns their executions, in the plans' order, once the
   * target has accepted the batch. Throws a {@code LabrunException} when it refuses it: then none
   * of them was launched.
   */
  List<Execution> launch(List<RunPlan> plans, int parallel);
}
