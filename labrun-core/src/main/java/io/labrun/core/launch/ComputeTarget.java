package io.labrun.core.launch;

import io.labrun.core.environment.EnvironmentRequest;
import io.labrun.core.environment.PreparedEnvironment;
import io.labrun.core.error.LabrunException;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Port: a kind of place runs execute (local Python, Docker, a host over SSH, a Spark cluster). One
 * adapter implements it per target type; the compute-target contract tests run the same checks
 * against each.
 */
public interface ComputeTarget {
  /** Makes sure the run's environment exists (may build, reporting progress); no-op by default. */
  default void prepare(RunPlan plan, RunEvents events) {}

  /**
   * Builds or finds the environment runs of a configuration need ({@code labrun experiment
   * prepare}); a target that runs in an existing interpreter has none.
   */
  default PreparedEnvironment prepareEnvironment(EnvironmentRequest request, RunEvents events) {
    throw LabrunException.badInput(
        "run configuration '"
            + request.configuration().name()
            + "' runs on a target that labrun prepares no environment for");
  }

  /**
   * Whether the run's working folder must be written out on this machine before {@link #launch}.
   * Targets that build it elsewhere from the snapshot (a remote host) say no, so submitting does
   * not copy the whole project locally for nothing.
   */
  default boolean needsLocalWorkDir() {
    return true;
  }

  /** Starts the run detached from this process and returns once it has started. */
  Execution launch(RunPlan plan);

  /**
   * How this target launches many runs as one submission (a sweep's points), when it can; empty
   * (the default) when it launches one run at a time.
   */
  default Optional<BatchLaunch> batchLaunch() {
    return Optional.empty();
  }

  /**
   * Runs a script untracked ({@code TrackedRun: false}): no snapshot, no history, output straight
   * to this process's terminal. Returns the script's exit code.
   */
  default int runUntracked(RunPlan plan) {
    throw LabrunException.badInput(
        "TrackedRun: false is supported on local targets only; set TrackedRun: true in aml_config/"
            + plan.configuration().name()
            + ".runconfig");
  }

  /** Finds a run started earlier from the attributes recorded with it. */
  Execution reattach(Run run, Path runDir);
}
