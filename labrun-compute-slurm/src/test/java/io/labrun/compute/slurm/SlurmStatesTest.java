package io.labrun.compute.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.retry.RetryPolicy;
import io.labrun.core.run.RunStatus;
import io.labrun.core.supervisor.ExitRecord;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SlurmStatesTest {
  private static final Instant NOW = Instant.parse("2026-12-07T01:00:00Z");
  private static final ExitRecord EXIT_3 =
      new ExitRecord(3, null, NOW, false, false, false, null, 0);
  private static final ExitRecord CANCELED =
      new ExitRecord(143, 15, NOW, true, false, false, null, 0);

  private static Optional<JobInfo> job(String state, String reason) {
    return Optional.of(new JobInfo("42", state, reason, "0:0"));
  }

  private static ExitRecord ended(String state, Optional<ExitRecord> supervisor) {
    return SlurmStates.ended(job(state, null), supervisor, NOW).orElseThrow();
  }

  @Test
  void aQueuedOrRunningJobGoesOn() {
    assertThat(SlurmStates.ended(job("PENDING", "Priority"), Optional.empty(), NOW)).isEmpty();
    assertThat(SlurmStates.ended(job("RUNNING", null), Optional.empty(), NOW)).isEmpty();
    assertThat(SlurmStates.ended(job("COMPLETING", null), Optional.empty(), NOW)).isEmpty();
  }

  @Test
  void theSupervisorsRecordSaysHowTheScriptEnded() {
    assertThat(ended("FAILED", Optional.of(EXIT_3))).isEqualTo(EXIT_3);
    assertThat(ended("COMPLETED", Optional.of(EXIT_3))).isEqualTo(EXIT_3);
    assertThat(ended("RUNNING", Optional.of(EXIT_3)))
        .as("the job's own end comes a moment later")
        .isEqualTo(EXIT_3);
    ExitRecord aborted = new ExitRecord(134, 6, NOW, false, false, false, null, 0);
    assertThat(ended("FAILED", Optional.of(aborted)))
        .as("a signal the script sent itself")
        .isEqualTo(aborted);
  }

  @Test
  void aCancelIsTheUsersWhenSlurmSaysCancelled() {
    assertThat(ended("CANCELLED", Optional.of(CANCELED)).status()).isEqualTo(RunStatus.CANCELED);
    ExitRecord killedByScancel = new ExitRecord(143, 15, NOW, false, false, false, null, 0);
    assertThat(ended("CANCELLED", Optional.of(killedByScancel)).status())
        .as("scancel's SIGTERM reached the script first")
        .isEqualTo(RunStatus.CANCELED);
    ExitRecord beforeItStarted = ended("CANCELLED", Optional.empty());
    assertThat(beforeItStarted.status()).isEqualTo(RunStatus.CANCELED);
    assertThat(SlurmStates.ended(job("COMPLETING", null), Optional.of(CANCELED), NOW))
        .as("wait for Slurm's word on whose SIGTERM it was")
        .isEmpty();
  }

  @Test
  void preemptionAndNodeFailuresAreLostAndRetried() {
    for (String state : new String[] {"PREEMPTED", "NODE_FAIL", "BOOT_FAIL"}) {
      ExitRecord e = ended(state, Optional.of(CANCELED));
      assertThat(e.status()).as(state).isEqualTo(RunStatus.LOST);
      assertThat(RetryPolicy.retryable(e)).as(state).isTrue();
      assertThat(ended(state, Optional.empty()).status())
          .as(state + " before the supervisor wrote anything")
          .isEqualTo(RunStatus.LOST);
    }
    assertThat(ended("PREEMPTED", Optional.empty()).describe())
        .contains("preempted")
        .contains("42");
  }

  @Test
  void theTimeLimitIsATimeout() {
    ExitRecord e = ended("TIMEOUT", Optional.of(CANCELED));
    assertThat(e.timedOut()).isTrue();
    assertThat(e.status()).isEqualTo(RunStatus.FAILED);
    assertThat(RetryPolicy.retryable(e)).isFalse();
  }

  @Test
  void outOfMemoryIsAKillFromOutsideAndRetried() {
    ExitRecord e = ended("OUT_OF_MEMORY", Optional.empty());
    assertThat(e.status()).isEqualTo(RunStatus.FAILED);
    assertThat(e.describe()).startsWith("killed by signal 9").contains("OUT_OF_MEMORY");
    assertThat(RetryPolicy.retryable(e)).isTrue();
  }

  @Test
  void aJobSlurmKilledWithSignal9IsAKillFromOutsideAndRetried() {
    // what Slurm 22.05 reports for a job over its --mem under jobacct_gather/linux's OverMemoryKill
    ExitRecord e =
        SlurmStates.ended(
                Optional.of(new JobInfo("42", "FAILED", "JobLaunchFailure", "0:9")),
                Optional.empty(),
                NOW)
            .orElseThrow();
    assertThat(e.status()).isEqualTo(RunStatus.FAILED);
    assertThat(e.describe())
        .startsWith("killed by signal 9: Slurm killed job 42 (FAILED, signal 9")
        .contains("slurm-42.out");
    assertThat(RetryPolicy.retryable(e)).isTrue();
  }

  @Test
  void aJobThatFailedBeforeTheSupervisorStartedSaysWhereToLook() {
    ExitRecord e = ended("FAILED", Optional.empty());
    assertThat(e.status()).isEqualTo(RunStatus.FAILED);
    assertThat(e.describe()).contains("FAILED").contains("slurm-42.out");
  }

  @Test
  void aJobSlurmForgotIsWhatItsFolderSays() {
    assertThat(SlurmStates.ended(Optional.empty(), Optional.of(EXIT_3), NOW)).contains(EXIT_3);
    assertThat(SlurmStates.ended(Optional.empty(), Optional.empty(), NOW).orElseThrow().status())
        .isEqualTo(RunStatus.LOST);
  }
}
