package io.labrun.core.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.core.run.RunEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentLockTest {
  @TempDir Path dir;

  @Test
  void aSecondTakerWaitsAndSaysSo() throws Exception {
    List<String> said = new CopyOnWriteArrayList<>();
    RunEvents events =
        new RunEvents() {
          @Override
          public void progress(String message) {
            said.add(message);
          }
        };
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> first =
        CompletableFuture.runAsync(
            () -> {
              try (EnvironmentLock l = EnvironmentLock.acquire(dir, "abc", events)) {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    await().atMost(Duration.ofSeconds(10)).until(() -> dir.resolve("abc.lock").toFile().exists());
    CompletableFuture<Long> second =
        CompletableFuture.supplyAsync(
            () -> {
              try (EnvironmentLock l = EnvironmentLock.acquire(dir, "abc", events)) {
                return System.nanoTime();
              }
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> said.stream().anyMatch(s -> s.contains("waiting")));
    assertThat(second).isNotDone();
    try (EnvironmentLock other = EnvironmentLock.acquire(dir, "def", RunEvents.NONE)) {
      assertThat(other).as("another environment is not held up").isNotNull();
    }
    release.countDown();
    first.get(10, TimeUnit.SECONDS);
    assertThat(second.get(10, TimeUnit.SECONDS)).isPositive();
  }
}
