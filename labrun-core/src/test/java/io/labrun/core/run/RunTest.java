package io.labrun.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunTest {
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  static Run queued() {
    return new Run(
        "r1",
        "proj",
        "local",
        "local",
        "local",
        "x.py",
        null,
        null,
        "me",
        "host",
        null,
        null,
        null,
        T0,
        null,
        null,
        RunStatus.QUEUED,
        null,
        null,
        null,
        1,
        null);
  }

  @Test
  void runningThenEndedKeepsBothTimes() {
    Run done =
        queued()
            .withStatus(RunStatus.RUNNING, T0.plusSeconds(1))
            .withStatus(RunStatus.COMPLETED, T0.plusSeconds(4));
    assertThat(done.started()).isEqualTo(T0.plusSeconds(1));
    assertThat(done.ended()).isEqualTo(T0.plusSeconds(4));
    assertThat(done.duration(T0.plusSeconds(99))).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void anEndFromTheSupervisorsClockBeforeTheStartLabrunSawLateNeverGivesANegativeDuration() {
    // labrun notices Running when it next looks; a script that failed at once has an earlier end
    Run running = queued().withStatus(RunStatus.RUNNING, T0.plusMillis(900));
    Run failed = running.withStatus(RunStatus.FAILED, T0.plusMillis(700));
    assertThat(failed.started()).isEqualTo(T0.plusMillis(700));
    assertThat(failed.duration(T0.plusSeconds(5))).isEqualTo(Duration.ZERO);
  }

  @Test
  void aFinalRunCannotMoveOn() {
    Run done = queued().withStatus(RunStatus.RUNNING, T0).withStatus(RunStatus.COMPLETED, T0);
    assertThatThrownBy(() -> done.withStatus(RunStatus.RUNNING, T0))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRunHandedToATargetThatQueuesItIsQueuedThereWithItsReasonUntilItStarts() {
    Run preparing = queued().withStatus(RunStatus.PREPARING, T0);
    assertThat(preparing.notLaunched()).isTrue();
    Run waiting =
        preparing.withStatus(RunStatus.QUEUED, T0.plusSeconds(1)).waitingAtTarget("Priority");
    assertThat(waiting.queuedAtTarget()).isTrue();
    assertThat(waiting.notLaunched()).as("launched: stopped at its target").isFalse();
    assertThat(waiting.statusDetail()).isEqualTo("waiting in the target's queue: Priority");
    assertThat(waiting.started()).isNull();
    Run running = waiting.withExit(null, null).withStatus(RunStatus.RUNNING, T0.plusSeconds(9));
    assertThat(running.queuedAtTarget()).isFalse();
    assertThat(running.started()).isEqualTo(T0.plusSeconds(9));
    assertThat(queued().notLaunched()).as("queued in labrun").isTrue();
    assertThat(queued().queuedAtTarget()).isFalse();
  }
}
