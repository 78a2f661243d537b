package io.labrun.compute.slurm;

import io.labrun.ssh.Shell;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The batch script of one run: the target's resources as {@code #SBATCH} lines (its {@code
 * sbatchOptions} last, so they win), then labrun's supervisor in the foreground, which runs the
 * script in the working folder and writes the run's state folder on the shared file system, as on
 * every target. Where the job writes and runs from is given on {@code sbatch}'s command line
 * ({@link #submitArguments}), so no path is ever parsed out of a comment.
 */
final class JobScript {
  /**
   * What Slurm's limit adds to labrun's own timeout: the supervisor stops the script first and
   * records it.
   */
  static final Duration TIME_GRACE = Duration.ofMinutes(1);

  private JobScript() {}

  /**
   * @param timeout the run's {@code --timeout}, or null: then the target's {@code time}, if any
   * @param python the compute node's Python that runs the supervisor
   * @param supervisor labrun's {@code labrun_supervisor.py} on the shared file system
   * @param state the run's state folder there
   */
  static String text(
      SlurmSettings s, Duration timeout, String python, String supervisor, String state) {
    List<String> lines = new ArrayList<>();
    lines.add("#!/bin/sh");
    lines.add(
        "# A labrun run (docs/user-guide.md, \"Slurm clusters\"): written by labrun, submitted with"
            + " sbatch.");
    resources(lines, s, timeout);
    lines.add("exec " + Shell.command(List.of(python, supervisor, state)));
    return String.join("\n", lines) + "\n";
  }

  /**
   * The batch script of a job array whose task {@code i} is run {@code i} of {@code runs} (a
   * sweep's points): the resources once, then each task runs its run's own {@code job.sh} (the
   * supervisor, as for one run) in its run's working folder, with Slurm's messages about it in its
   * state folder ({@code slurm-ARRAYID_TASK.out}).
   */
  static String arrayText(SlurmSettings s, Duration timeout, List<SlurmSide.Placed> runs) {
    List<String> lines = new ArrayList<>();
    lines.add("#!/bin/sh");
    lines.add(
        "# A labrun sweep (docs/user-guide.md, \"Slurm clusters\"): one run per array task, written"
            + " by labrun, submitted with sbatch --array.");
    resources(lines, s, timeout);
    lines.add("case \"$SLURM_ARRAY_TASK_ID\" in");
    for (int i = 0; i < runs.size(); i++) {
      SlurmSide.Placed run = runs.get(i);
      lines.add(
          "  "
              + i
              + ") state="
              + Shell.quote(run.state())
              + " work="
              + Shell.quote(run.work())
              + " script="
              + Shell.quote(run.script())
              + " ;;");
    }
    lines.add("  *) echo \"labrun: no run for array task $SLURM_ARRAY_TASK_ID\" >&2; exit 1 ;;");
    lines.add("esac");
    lines.add("exec >\"$state/slurm-${SLURM_ARRAY_JOB_ID}_$SLURM_ARRAY_TASK_ID.out\" 2>&1");
    lines.add("cd -- \"$work\" && exec sh -- \"$script\"");
    return String.join("\n", lines) + "\n";
  }

  private static void resources(List<String> lines, SlurmSettings s, Duration timeout) {
    option(lines, "--partition", s.partition());
    option(lines, "--account", s.account());
    option(lines, "--qos", s.qos());
    option(lines, "--nodes", s.nodes());
    option(lines, "--cpus-per-task", s.cpusPerTask());
    option(lines, "--gres", s.gpus() == null ? null : "gpu:" + s.gpus());
    option(lines, "--mem", s.memory());
    option(lines, "--time", timeout != null ? limit(timeout) : s.time());
    for (String extra : s.sbatchOptions()) {
      lines.add("#SBATCH " + extra);
    }
  }

  /**
   * {@code sbatch}'s arguments for the script at {@code script}: the job is named after the run (a
   * label to find it by), writes Slurm's own messages into the state folder, starts in the working
   * folder, and is never requeued by Slurm: a retry is labrun's, as a new attempt of the run.
   */
  static List<String> submitArguments(String runId, String state, String work, String script) {
    return List.of(
        "sbatch",
        "--parsable",
        "--job-name=labrun-" + runId,
        "--output=" + state + "/slurm-%j.out",
        "--chdir=" + work,
        "--no-requeue",
        script);
  }

  /**
   * {@code sbatch}'s arguments for the job array of {@code runs} runs at {@code script}, at most
   * {@code parallel} running at once ({@code --array=0-N%K}): named {@code name}, started in {@code
   * folder} (each task moves to its run's working folder), Slurm's messages written by each task
   * into its run's state folder, never requeued by Slurm.
   */
  static List<String> arrayArguments(
      String name, int runs, int parallel, String folder, String script) {
    return List.of(
        "sbatch",
        "--parsable",
        "--job-name=labrun-" + name,
        "--array=0-" + (runs - 1) + "%" + parallel,
        "--output=/dev/null",
        "--chdir=" + folder,
        "--no-requeue",
        script);
  }

  /**
   * Slurm's {@code --time} in whole minutes for labrun's {@code timeout}, with {@link #TIME_GRACE}.
   */
  static String limit(Duration timeout) {
    long seconds = timeout.plus(TIME_GRACE).toSeconds();
    return Long.toString((seconds + 59) / 60);
  }

  private static void option(List<String> lines, String name, Object value) {
    if (value != null) {
      lines.add("#SBATCH " + name + "=" + value);
    }
  }
}
