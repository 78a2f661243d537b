package io.labrun.core.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.RunStore.MetricSummary;
import io.labrun.core.retry.RetryPolicy;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.supervisor.ExitRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retry decisions, back-off, stop conditions and the sweep file. */
class RunPolicyTest {
  private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

  private static ExitRecord exit(
      int code, Integer signal, boolean canceled, boolean timedOut, String error) {
    return new ExitRecord(code, signal, T, canceled, timedOut, false, error, 0);
  }

  @Test
  void onlyFailuresFromOutsideTheScriptAreRetried() {
    assertThat(RetryPolicy.retryable(ExitRecord.lost(T, "supervisor gone"))).as("lost").isTrue();
    assertThat(RetryPolicy.retryable(exit(137, 9, false, false, null)))
        .as("SIGKILL, e.g. out of memory")
        .isTrue();
    assertThat(
            RetryPolicy.retryable(
                exit(
                    137,
                    9,
                    false,
                    false,
                    "killed by signal 9: out of memory (the container's memoryLimit is 96 MiB)")))
        .as("SIGKILL the target explains")
        .isTrue();
    assertThat(RetryPolicy.retryable(exit(1, null, false, false, null)))
        .as("the script's own exit code")
        .isFalse();
    assertThat(RetryPolicy.retryable(exit(137, null, false, false, null)))
        .as("exit(137) is the script's own")
        .isFalse();
    assertThat(RetryPolicy.retryable(exit(143, 15, false, false, null))).as("SIGTERM").isFalse();
    assertThat(RetryPolicy.retryable(exit(137, 9, true, false, null)))
        .as("SIGKILL after a labrun cancel")
        .isFalse();
    assertThat(RetryPolicy.retryable(exit(137, 9, false, true, null)))
        .as("SIGKILL after a timeout")
        .isFalse();
    assertThat(RetryPolicy.retryable(exit(127, null, false, false, "program not found: python9")))
        .isFalse();
    assertThat(RetryPolicy.retryable(new LabrunException(ExitCode.TARGET_UNAVAILABLE, "host down")))
        .isTrue();
    assertThat(
            RetryPolicy.retryable(new LabrunException(ExitCode.ENVIRONMENT, "image build failed")))
        .isFalse();
  }

  @Test
  void backOffDoublesUpToAMinute() {
    RetryPolicy p = RetryPolicy.of(10);
    assertThat(p.maxAttempts()).isEqualTo(11);
    assertThat(List.of(2, 3, 4, 5, 8, 11).stream().map(p::delayBefore).toList())
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(60),
            Duration.ofSeconds(60));
    assertThatThrownBy(() -> RetryPolicy.of(-1))
        .hasMessageContaining("--retries must be 0 or more");
  }

  @Test
  void stopConditions() {
    StopCondition c = StopCondition.parse("accuracy >= 0.99");
    assertThat(c.metBy(Map.of("accuracy", summary("accuracy", 0.995)))).isTrue();
    assertThat(c.metBy(Map.of("accuracy", summary("accuracy", 0.98)))).isFalse();
    assertThat(c.metBy(Map.of("loss", summary("loss", 1.0)))).as("metric not logged").isFalse();
    assertThat(c.goal()).isEqualTo(Goal.MAX);
    StopCondition spaced = StopCondition.parse("Regularization Rate<0.1");
    assertThat(spaced.metric()).isEqualTo("Regularization Rate");
    assertThat(spaced.goal()).isEqualTo(Goal.MIN);
    assertThat(spaced.metBy(Map.of("Regularization Rate", summary("Regularization Rate", 0.05))))
        .isTrue();
    assertThat(spaced).hasToString("Regularization Rate < 0.1");
    for (String bad :
        new String[] {"accuracy", "accuracy >= high", ">= 1", "accuracy => 1", "accuracy >= NaN"}) {
      assertThatThrownBy(() -> StopCondition.parse(bad))
          .as(bad)
          .isInstanceOf(LabrunException.class)
          .hasMessageStartingWith("--stop-when");
    }
  }

  @Test
  void aSweepFileReadsBackAsWritten() {
    Sweep s =
        new Sweep(
            "iris-sweep_1",
            Path.of("/p/iris"),
            "local",
            "train.py",
            List.of("--epochs", "3"),
            ArgumentStyle.POSITIONAL,
            2,
            Duration.ofMinutes(5),
            2,
            StopCondition.parse("acc > 0.9"),
            "acc",
            Goal.MIN,
            List.of(
                new Sweep.Point(0, "r1", Map.of("reg", "10")),
                new Sweep.Point(1, "r2", Map.of("reg", "5"))));
    assertThat(Sweep.fromJson(s.toJson())).isEqualTo(s);
    Sweep bare =
        new Sweep(
            "x",
            Path.of("/p"),
            "local",
            "t.py",
            List.of(),
            ArgumentStyle.NAMED,
            1,
            null,
            0,
            null,
            null,
            Goal.MAX,
            List.of());
    assertThat(Sweep.fromJson(bare.toJson())).isEqualTo(bare);
    assertThat(bare.rankingMetric()).isNull();
    assertThat(s.rankingMetric()).isEqualTo("acc");
    assertThat(s.rankingGoal()).as("a named metric keeps its goal").isEqualTo(Goal.MIN);
    assertThat(s.request(Map.of("reg", "10")).arguments()).containsExactly("10", "--epochs", "3");
  }

  private static MetricSummary summary(String name, double value) {
    return new MetricSummary(name, 1, new MetricPoint(name, 0, T, value, null), value, value);
  }
}
