package io.labrun.compute.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.run.RunStatus;
import java.time.Instant;
import org.apache.spark.launcher.SparkAppHandle.State;
import org.junit.jupiter.api.Test;

class SparkStatesTest {
  @Test
  void everyLauncherStateHasARunState() {
    for (State s : State.values()) {
      assertThat(SparkStates.runStatus(s)).as(s.name()).isNotNull();
      assertThat(SparkStates.runStatus(s).isFinal())
          .as(s + " is final for Spark, so for labrun")
          .isEqualTo(s.isFinal());
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

  private static YarnApp yarn(String state, String finalStatus, String diagnostics) {
    return new YarnApp(
        "application_1_0007", state, finalStatus, diagnostics, null, null, "default", "", 1);
  }

  @Test
  void yarnStatesMapToRunStates() {
    assertThat(SparkStates.runStatus(yarn("ACCEPTED", "UNDEFINED", "")))
        .isEqualTo(RunStatus.QUEUED);
    assertThat(SparkStates.runStatus(yarn("RUNNING", "UNDEFINED", "")))
        .isEqualTo(RunStatus.RUNNING);
    assertThat(SparkStates.runStatus(yarn("FINISHED", "SUCCEEDED", "")))
        .isEqualTo(RunStatus.COMPLETED);
    assertThat(SparkStates.runStatus(yarn("FINISHED", "FAILED", ""))).isEqualTo(RunStatus.FAILED);
    assertThat(SparkStates.runStatus(yarn("FAILED", "FAILED", ""))).isEqualTo(RunStatus.FAILED);
    assertThat(SparkStates.runStatus(yarn("KILLED", "KILLED", ""))).isEqualTo(RunStatus.CANCELED);
  }

  @Test
  void anEndedYarnApplicationGivesTheRunsExitWithYarnsDiagnosticAsTheReason() {
    Instant at = Instant.parse("2026-12-07T01:00:00Z");
    assertThat(SparkStates.exitRecord(yarn("FINISHED", "SUCCEEDED", "N/A"), at).status())
        .isEqualTo(RunStatus.COMPLETED);
    assertThat(
            SparkStates.exitRecord(yarn("KILLED", "KILLED", "Application killed by user."), at)
                .status())
        .isEqualTo(RunStatus.CANCELED);
    var failed =
        SparkStates.exitRecord(
            yarn(
                "FAILED",
                "FAILED",
                """
                Application application_1_0007 failed 1 times due to AM Container for appattempt_1_0007_000001 exited with  exitCode: 13
                Failing this attempt.Diagnostics: [2026-12-07 01:07:52.338]Exception from container-launch.
                java.lang.IllegalStateException: User did not initialize spark context!
                	at org.apache.spark.deploy.yarn.ApplicationMaster.runDriver(ApplicationMaster.scala:522)
                """),
            at);
    assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
    assertThat(failed.describe())
        .isEqualTo(
            "labrun: YARN application application_1_0007 ended FAILED:"
                + " java.lang.IllegalStateException: User did not initialize spark context!");
    assertThat(
            SparkStates.yarnFailure(
                yarn(
                    "FAILED",
                    "FAILED",
                    "Application application_1_0007 submitted by user root to unknown queue:"
                        + " nosuch")))
        .contains(
            "labrun: YARN application application_1_0007 ended FAILED: Application"
                + " application_1_0007 submitted by user root to unknown queue: nosuch");
    assertThat(SparkStates.yarnFailure(yarn("RUNNING", "UNDEFINED", ""))).isEmpty();
    assertThat(SparkStates.yarnFailure(yarn("FINISHED", "SUCCEEDED", ""))).isEmpty();
  }
}
