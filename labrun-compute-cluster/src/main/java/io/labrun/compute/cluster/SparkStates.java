package io.labrun.compute.cluster;

import io.labrun.core.run.RunStatus;
import org.apache.spark.launcher.SparkAppHandle;

/**
 * The one place where Spark's application states become labrun's run states. The launcher
 * reports them; labrun keeps its own (the supervisor's exit record decides how a run ended) and
 * uses this mapping to notice an application that failed or was killed while {@code
 * spark-submit} still exited 0, and to show what the application is doing.
 */
final class SparkStates {
  private SparkStates() {}

  static RunStatus runStatus(SparkAppHandle.State state) {
    return switch (state) {
      // Known to the launcher, not yet given resources by the cluster: waiting, as in a queue.
      case UNKNOWN, CONNECTED, SUBMITTED -> RunStatus.QUEUED;
      case RUNNING -> RunStatus.RUNNING;
      case FINISHED -> RunStatus.COMPLETED;
      case FAILED -> RunStatus.FAILED;
      case KILLED -> RunStatus.CANCELED;
      // The launcher lost its connection to the application without a final state.
      case LOST -> RunStatus.LOST;
    };
  }

  /** The same for a state recorded by name in {@code spark.json}; an unknown name means running. */
  static RunStatus runStatus(String stateName) {
    try {
      return runStatus(SparkAppHandle.State.valueOf(stateName));
    } catch (IllegalArgumentException | NullPointerException e) {
      return RunStatus.RUNNING;
    }
  }
}
