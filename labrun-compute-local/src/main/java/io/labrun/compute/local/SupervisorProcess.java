package io.labrun.compute.local;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A run's supervisor as the JVM that started it sees it: a child process of its own, or a child of
 * the {@link SupervisorZygote}, whose start and end are reported at once. Either way the JVM learns
 * of its end without polling.
 */
interface SupervisorProcess {
  boolean isAlive();

  /** Waits up to {@code max} for it to end. */
  void waitFor(Duration max) throws InterruptedException;

  /** Waits up to {@code max} for it to have started its script (or ended); may return early. */
  default void awaitStarted(Duration max) throws InterruptedException {
    waitFor(max);
  }

  /** Its exit code once it has ended. */
  int exitValue();

  /** Its process while it runs. */
  Optional<ProcessHandle> handle();

  /** A supervisor started as a child of this JVM. */
  record Child(Process process) implements SupervisorProcess {
    @Override
    public boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public void waitFor(Duration max) throws InterruptedException {
      process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public int exitValue() {
      return process.exitValue();
    }

    @Override
    public Optional<ProcessHandle> handle() {
      return process.isAlive() ? Optional.of(process.toHandle()) : Optional.empty();
    }
  }

  /**
   * A supervisor forked by the zygote: its end comes as {@code exit}. Should the zygote die first
   * (it never should), the process table is asked instead.
   */
  record Forked(
      long pid,
      CompletableFuture<Void> ready,
      CompletableFuture<Integer> exit,
      SupervisorZygote zygote)
      implements SupervisorProcess {
    @Override
    public void awaitStarted(Duration max) throws InterruptedException {
      zygote.await(
          max,
          () ->
              ready.isDone()
                  || exit
                      .isDone()); // if not yet, the caller looks at the state folder and asks again
    }

    @Override
    public boolean isAlive() {
      if (exit.isDone()) {
        return false;
      }
      return zygote.alive() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public void waitFor(Duration max) throws InterruptedException {
      if (zygote.alive()) {
        zygote.await(
            max,
            exit::isDone); // if still going, or the zygote went away meanwhile, the caller looks
        // again
      } else if (isAlive()) {
        Thread.sleep(Math.min(max.toMillis(), 50));
      }
    }

    @Override
    public int exitValue() {
      return exit.getNow(-1);
    }

    @Override
    public Optional<ProcessHandle> handle() {
      return isAlive() ? ProcessHandle.of(pid) : Optional.empty();
    }
  }
}
