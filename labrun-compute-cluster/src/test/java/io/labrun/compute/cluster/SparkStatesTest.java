package io.labrun.compute.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.run.RunStatus;
import org.apache.spark.launcher.SparkAppHandle.State;
import org.junit.jupiter.api.Test;

class SparkStatesTest {
  @Test
  void everyLauncherStateHasARunState() {
    for (State s : State.values()) {
      assertThat(SparkStates.runStatus(s)).as(s.name()).isNotNull();
      assertThat(SparkStates.runStatus(s).isFinal()).as(s + " is final for Spark, so for labrun").isEqualTo(s.isFinal());
    }
    assertThat(SparkStates.runStatus(State.SUBMITTED)).isEqualTo(RunStatus.QUEUED);
    assertThat(SparkStates.runStatus(State.RUNNING)).isEqualTo(RunStatus.RUNNING);
    assertThat(SparkStates.runStatus(State.FINISHED)).isEqualTo(RunStatus.COMPLETED);
    assertThat(SparkStates.runStatus(State.FAILED)).isEqualTo(RunStatus.FAILED);
    assertThat(SparkStates.runStatus(State.KILLED)).isEqualTo(RunStatus.CANCELED);
    assertThat(SparkStates.runStatus(State.LOST)).isEqualTo(RunStatus.LOST);
  }

  @Test
  void recordedNamesMapTheSameWay() {
    assertThat(SparkStates.runStatus("KILLED")).isEqualTo(RunStatus.CANCELED);
    assertThat(SparkStates.runStatus("SOMETHING_NEW")).isEqualTo(RunStatus.RUNNING);
    assertThat(SparkStates.runStatus((String) null)).isEqualTo(RunStatus.RUNNING);
  }
}
