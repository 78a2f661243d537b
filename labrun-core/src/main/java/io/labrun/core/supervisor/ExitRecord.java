package io.labrun.core.supervisor;

import io.labrun.core.run.RunStatus;
import java.time.Instant;

/**
 * How a run's process ended, as its supervisor recorded it. {@code error} is set when the process
 * could not even start (interpreter not found); {@code lost} when the supervisor vanished without a
 * record. {@code droppedOutputBytes} counts output not stored because the run went past the log
 * limit.
 */
public record ExitRecord(
    int exitCode,
    Integer signal,
    Instant ended,
    boolean canceled,
    boolean timedOut,
    boolean lost,
    String error,
    long droppedOutputBytes) {

  public static ExitRecord lost(Instant at, String why) {
    return new ExitRecord(-1, null, at, false, false, true, why, 0);
  }

  /** The run state this exit maps to: the one place exits become statuses. */
  public RunStatus status() {
    if (lost) {
      return RunStatus.LOST;
    }
    if (canceled) {
      return RunStatus.CANCELED;
    }
    if (timedOut || error != null) {
      return RunStatus.FAILED;
    }
    return RunStatus.ofExit(exitCode, false);
  }

  /** One line for the run's status detail. */
  public String describe() {
    if (lost) {
      return "lost: " + error;
    }
    if (canceled) {
      return "canceled";
    }
    if (timedOut) {
      return "timeout";
    }
    if (error != null) {
      return error;
    }
    if (signal != null) {
      return "killed by signal " + signal;
    }
    return exitCode == 0 ? "exit code 0" : "exit code " + exitCode;
  }
}
