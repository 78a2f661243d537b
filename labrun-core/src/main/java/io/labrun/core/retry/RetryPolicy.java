package io.labrun.core.retry;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.supervisor.ExitRecord;
import java.time.Duration;

/**
 * When a run is tried again, and after how long. Only failures that were not the script's own
 * decision are retried: the run was lost (its supervisor, container or node vanished), it was
 * killed with SIGKILL by something other than labrun (the kernel's out-of-memory killer, a
 * container stopped under it), or its target could not be reached. A non-zero exit code, a timeout
 * and a cancel are never retried. Attempt n+1 starts {@code firstDelay * 2^(n-1)} after attempt n
 * ended, at most {@code maxDelay}.
 */
public record RetryPolicy(int retries, Duration firstDelay, Duration maxDelay) {
  public static final int SIGKILL = 9;
  public static final RetryPolicy NONE = of(0);

  public RetryPolicy {
    if (retries < 0) {
      throw LabrunException.badInput("--retries must be 0 or more, got " + retries);
    }
  }

  /** {@code retries} more tries, 1 s apart at first, doubling up to a minute. */
  public static RetryPolicy of(int retries) {
    return new RetryPolicy(retries, Duration.ofSeconds(1), Duration.ofMinutes(1));
  }

  public int maxAttempts() {
    return retries + 1;
  }

  /**
   * True for an exit that something outside the script caused. A SIGKILL counts whatever the target
   * says about it in {@code error} (the container's out-of-memory kill, a container killed from
   * outside): a script that could not start has no signal.
   */
  public static boolean retryable(ExitRecord exit) {
    if (exit.lost()) {
      return true;
    }
    return exit.signal() != null
        && exit.signal() == SIGKILL
        && !exit.canceled()
        && !exit.timedOut();
  }

  /** True when a run could not be started or followed because its target was unreachable. */
  public static boolean retryable(LabrunException e) {
    return e.exitCode() == ExitCode.TARGET_UNAVAILABLE;
  }

  /**
   * For a run found already ended (by a labrun process that was not watching it): Lost, or Failed
   * as {@link ExitRecord#describe()} words a SIGKILL that labrun did not send.
   */
  public static boolean retryable(Run ended) {
    return ended.status() == RunStatus.LOST
        || ended.status() == RunStatus.FAILED
            && ended.statusDetail() != null
            && ended.statusDetail().startsWith("killed by signal " + SIGKILL);
  }

  /** How long to wait before attempt {@code attempt} (2 for the first retry). */
  public Duration delayBefore(int attempt) {
    int doublings = Math.max(0, Math.min(attempt - 2, 30));
    Duration d = firstDelay.multipliedBy(1L << doublings);
    return d.compareTo(maxDelay) > 0 ? maxDelay : d;
  }
}
