package io.labrun.compute.slurm;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The three things labrun asks of Slurm about a run's job: submit it, look at it, cancel it. */
final class Slurm {
  private static final Pattern JOB_ID = Pattern.compile("[0-9]+(_[0-9]+)?");
  private final SlurmCommands commands;

  Slurm(SlurmCommands commands) {
    this.commands = commands;
  }

  /** Submits with {@code sbatch --parsable ...}; returns the job id. */
  String submit(List<String> sbatch) throws IOException {
    SlurmCommands.Result r = commands.run(sbatch);
    if (r.exitCode() == 127) {
      throw new LabrunException(
          ExitCode.TARGET_UNAVAILABLE,
          "sbatch is not on the PATH on "
              + commands.where()
              + "; labrun's slurm target needs Slurm's commands there");
    }
    if (r.exitCode() != 0) {
      throw new LabrunException(
          ExitCode.BAD_INPUT,
          "Slurm refused the run's job: "
              + r.problem()
              + " (check partition, account, qos and the resources in the target's .compute file)");
    }
    return jobId(r.out());
  }

  /**
   * {@code sbatch --parsable}'s answer: {@code JOBID} or {@code JOBID;CLUSTER}, after anything a
   * login script printed.
   */
  static String jobId(String parsable) {
    String[] lines = parsable.strip().split("\n");
    String last = lines[lines.length - 1].strip();
    String id = last.contains(";") ? last.substring(0, last.indexOf(';')) : last;
    if (!JOB_ID.matcher(id).matches()) {
      throw new LabrunException(
          ExitCode.TARGET_UNAVAILABLE, "sbatch answered no job id: \"" + last + "\"");
    }
    return id;
  }

  /**
   * The job as the controller knows it; empty once it has forgotten it (ended before {@code
   * MinJobAge}).
   */
  Optional<JobInfo> show(String jobId) throws IOException {
    SlurmCommands.Result r = commands.run(List.of("scontrol", "show", "job", "--oneliner", jobId));
    if (r.exitCode() != 0) {
      if (r.err().contains("Invalid job id")) {
        return Optional.empty();
      }
      throw new IOException(
          "scontrol show job " + jobId + " failed on " + commands.where() + ": " + r.problem());
    }
    for (String line : r.out().split("\n")) {
      Optional<JobInfo> job = JobInfo.parse(line);
      if (job.isPresent() && job.get().id().equals(jobId)) {
        return job;
      }
    }
    return Optional.empty();
  }

  /**
   * {@code scancel}: Slurm signals the job's processes (the supervisor records the cancel) or drops
   * it from the queue.
   */
  void cancel(String jobId) throws IOException {
    SlurmCommands.Result r = commands.run(List.of("scancel", jobId));
    if (r.exitCode() != 0
        && !r.err().contains("Invalid job id")
        && !r.err().contains("already completing or completed")) {
      throw new IOException(
          "scancel " + jobId + " failed on " + commands.where() + ": " + r.problem());
    }
  }

  String where() {
    return commands.where();
  }
}
