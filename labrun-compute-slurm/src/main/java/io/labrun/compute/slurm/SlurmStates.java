package io.labrun.compute.slurm;

import io.labrun.core.supervisor.ExitRecord;
import java.time.Instant;
import java.util.Optional;

/**
 * The one place Slurm's job states become labrun's: how a run ended, from the job's state and the
 * exit record its supervisor wrote (if it got to write one). The supervisor's record is how the
 * script ended and stands, except where Slurm ended the job from outside, which the supervisor sees
 * only as signals: {@code scancel} is a cancel, a preempted job and a failed node are lost runs
 * (retried under {@code --retries}), a job past its time limit timed out, and one over its memory
 * was killed as the kernel's out-of-memory killer would (retried, as on Docker).
 */
final class SlurmStates {
  static final int SIGKILL = 9;

  private SlurmStates() {}

  /**
   * How the run ended, or empty while it goes on. {@code job} is empty when Slurm no longer knows
   * the job (ended longer ago than {@code MinJobAge}): the supervisor's record is then all there
   * is.
   */
  static Optional<ExitRecord> ended(
      Optional<JobInfo> job, Optional<ExitRecord> supervisor, Instant now) {
    if (job.isEmpty()) {
      return Optional.of(
          supervisor.orElseGet(
              () ->
                  ExitRecord.lost(
                      now,
                      "Slurm no longer knows the run's job and its supervisor left no exit record"
                          + " (the job never started, or its node went away)")));
    }
    JobInfo j = job.get();
    if (!stoppedFromOutside(supervisor)) {
      return supervisor;
    }
    if (j.going()) {
      return Optional
          .empty(); // also a job COMPLETING after a signal: whose it was, Slurm says once it has
      // ended
    }
    Optional<ExitRecord> outside = endedFromOutside(j, supervisor, now);
    if (outside.isPresent()) {
      return outside;
    }
    if (supervisor.isPresent()) {
      return supervisor;
    }
    if (j.state().equals("COMPLETED")) {
      return Optional.of(
          ExitRecord.lost(
              now, "Slurm job " + j.id() + " ended without its supervisor's exit record"));
    }
    if (j.state().equals("FAILED") && j.exitCode() != null && j.exitCode().endsWith(":9")) {
      // Slurm killed the whole job, supervisor included, by SIGKILL: over its --mem where
      // memory is enforced by polling (JobAcctGatherParams=OverMemoryKill, no cgroups), which
      // Slurm reports as FAILED with signal 9 rather than OUT_OF_MEMORY
      return Optional.of(
          killed(
              now,
              "Slurm killed job "
                  + j.id()
                  + " (FAILED, signal 9: over its memory limit, or by an administrator; see slurm-"
                  + j.id()
                  + ".out in the run's folder)"));
    }
    return Optional.of(
        new ExitRecord(
            1,
            null,
            now,
            false,
            false,
            false,
            "Slurm job "
                + j.id()
                + " ended "
                + j.state()
                + (j.reason() == null ? "" : " (" + j.reason() + ")")
                + " before labrun's supervisor started the script; see slurm-"
                + j.id()
                + ".out in the run's folder",
            0));
  }

  /**
   * True when the supervisor's record leaves open who stopped the script: there is none, or it
   * ended by a signal or a cancel, which is what Slurm's own ends look like from inside the job.
   */
  static boolean stoppedFromOutside(Optional<ExitRecord> supervisor) {
    return supervisor.isEmpty() || supervisor.get().canceled() || supervisor.get().signal() != null;
  }

  /** The end Slurm itself caused, whatever the supervisor saw of it. */
  private static Optional<ExitRecord> endedFromOutside(
      JobInfo j, Optional<ExitRecord> supervisor, Instant now) {
    return switch (j.state()) {
      case "CANCELLED" ->
          Optional.of(
              supervisor
                  .map(
                      e ->
                          new ExitRecord(
                              e.exitCode(),
                              e.signal(),
                              e.ended(),
                              true,
                              false,
                              false,
                              null,
                              e.droppedOutputBytes()))
                  .orElseGet(() -> new ExitRecord(-1, null, now, true, false, false, null, 0)));
      case "PREEMPTED" -> Optional.of(ExitRecord.lost(now, "Slurm preempted job " + j.id()));
      case "NODE_FAIL" ->
          Optional.of(
              ExitRecord.lost(now, "the node of Slurm job " + j.id() + " failed (NODE_FAIL)"));
      case "BOOT_FAIL" ->
          Optional.of(
              ExitRecord.lost(
                  now, "the node of Slurm job " + j.id() + " failed to boot (BOOT_FAIL)"));
      case "TIMEOUT", "DEADLINE" ->
          Optional.of(new ExitRecord(-1, null, now, false, true, false, null, 0));
      case "OUT_OF_MEMORY" ->
          Optional.of(
              killed(now, "Slurm job " + j.id() + " went over its memory limit (OUT_OF_MEMORY)"));
      default -> Optional.empty();
    };
  }

  /**
   * Killed by SIGKILL from outside the script, {@code why}: worded as every target words it, so
   * that {@code RetryPolicy} tries it again.
   */
  private static ExitRecord killed(Instant now, String why) {
    return new ExitRecord(
        128 + SIGKILL,
        SIGKILL,
        now,
        false,
        false,
        false,
        "killed by signal " + SIGKILL + ": " + why,
        0);
  }
}
