package io.labrun.core.execution;

import io.labrun.core.run.Run;
import io.labrun.core.tracking.RunEvents;

/**
 * Port: a kind of place runs execute (local Python, Docker, a host over SSH, a Spark cluster). One
 * adapter implements it per target type; the compute-target contract tests run the same checks
 * against each.
 */
public interface ComputeTarget {
  /** Makes sure the run's environment exists (may build, reporting progress); no-op by default. */
  default void prepare(RunPlan plan, RunEvents events) {}

  /** Starts the run detached from this process and returns once it has started. */
  Execution launch(RunPlan plan);

  /** Finds a run started earlier from the attributes recorded with it. */
  Execution reattach(Run run, java.nio.file.Path runDir);
}
