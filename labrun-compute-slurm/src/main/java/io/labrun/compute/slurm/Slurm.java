package io.labrun.compute.slurm;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The three things labrun asks of Slurm about a run's job: submit it, look at it, cancel it. */
final class Slurm {
  private static final Pattern JOB_ID = Pattern.compile("[0-9]+(_[0-9]+)?");
  private final SlurmCommands commands;
  private final ArrayLooks looks;

  Slurm(SlurmCommands commands) {
    this(commands, new ArrayLooks());
  }

  /**
   * @param looks the last looks at job arrays, shared by the targets of one command
   */
  Slurm(SlurmCommands commands, ArrayLooks looks) {
    this.commands = commands;
    this.looks = looks;
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
   * MinJobAge}). An element of a job array ({@code ARRAYID_TASK}) is read from a look at its whole
   * array, shared by its elements for a second ({@link ArrayLooks}).
   */
  Optional<JobInfo> show(String jobId) throws IOException {
    int u = jobId.indexOf('_');
    List<JobInfo> jobs =
        u < 0
            ? ask(jobId)
            : looks.of(
                commands.where() + " " + jobId.substring(0, u), () -> ask(jobId.substring(0, u)));
    if (jobs == null) {
      return Optional.empty();
    }
    for (JobInfo job : jobs) {
      if (job.covers(jobId)) {
        return Optional.of(job.as(jobId));
      }
    }
    if (u > 0 && !jobs.isEmpty()) {
      // Slurm keeps no record of an element canceled while it waited (it is taken out of the
      // array's waiting record), while it still knows the array: the element was canceled. (One
      // that ran and was forgotten after MinJobAge left its supervisor's record, which stands.)
      return Optional.of(new JobInfo(jobId, "CANCELLED", null, null));
    }
    return Optional.empty();
  }

  /**
   * {@code scontrol show job}'s records of {@code id}; null when the controller does not know it.
   */
  private List<JobInfo> ask(String id) throws IOException {
    SlurmCommands.Result r = commands.run(List.of("scontrol", "show", "job", "--oneliner", id));
    if (r.exitCode() != 0) {
      if (r.err().contains("Invalid job id")) {
        return null;
      }
      throw new IOException(
          "scontrol show job " + id + " failed on " + commands.where() + ": " + r.problem());
    }
    List<JobInfo> jobs = new ArrayList<>();
    for (String line : r.out().split("\n")) {
      JobInfo.parse(line).ifPresent(jobs::add);
    }
    return jobs;
  }

  /**
   * {@code scancel}: Slurm signals the job's processes (the supervisor records the cancel) or drops
   * it from the queue.
   */
  void cancel(String jobId) throws IOException {
    SlurmCommands.Result r = commands.run(List.of("scancel", jobId));
    int u = jobId.indexOf('_');
    if (u > 0) {
      looks.forget(commands.where() + " " + jobId.substring(0, u));
    }
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
