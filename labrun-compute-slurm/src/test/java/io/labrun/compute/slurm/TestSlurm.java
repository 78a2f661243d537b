package io.labrun.compute.slurm;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one-node Slurm of {@code scripts/test-env/slurm.sh} on this machine: its partitions, and what
 * the tests ask it directly (which jobs a run has, a job's state, a job of their own).
 */
public final class TestSlurm {
  /** The default partition. */
  public final String partition;

  /** A partition whose jobs any job of {@link #partition} needing their CPUs preempts. */
  public final String preemptiblePartition;

  /** The node's CPUs: a job asking for all of them has the node to itself. */
  public final int cpus;

  private final LocalCommands commands = new LocalCommands(System.getenv());

  private TestSlurm() {
    partition = need("LABRUN_TEST_SLURM_PARTITION");
    preemptiblePartition = need("LABRUN_TEST_SLURM_PREEMPTIBLE_PARTITION");
    cpus = Integer.parseInt(need("LABRUN_TEST_SLURM_CPUS"));
  }

  public static TestSlurm get() {
    return new TestSlurm();
  }

  private static String need(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new AssertionError(
          name
              + " is not set: the Slurm tests need the test cluster; run them with scripts/test.sh"
              + " (or eval \"$(scripts/test-env/slurm.sh)\" first)");
    }
    return v;
  }

  /**
   * The ids of the jobs Slurm still queues or runs for run {@code runId} (found by the name labrun
   * gives them).
   */
  public List<String> jobsOf(String runId) throws IOException {
    String out = run("squeue", "--noheader", "--name=labrun-" + runId, "--format=%i");
    return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  /**
   * The ids of the jobs (array elements one by one, {@code ARRAYID_TASK}) Slurm still queues or
   * runs under the name {@code name}.
   */
  public List<String> jobsNamed(String name) throws IOException {
    String out = run("squeue", "--noheader", "--array", "--name=" + name, "--format=%i");
    return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  /** What {@code scontrol show job --oneliner ID} says of job (or job array) {@code id}. */
  public String show(String id) throws IOException {
    return run("scontrol", "show", "job", "--oneliner", id);
  }

  /**
   * Slurm's state of job {@code id} ({@code RUNNING}, {@code PREEMPTED}...), empty once it has
   * forgotten it.
   */
  public Optional<String> state(String id) throws IOException {
    return new Slurm(commands).show(id).map(JobInfo::state);
  }

  /** Job {@code id}'s time limit as Slurm shows it ({@code 00:03:00}, {@code UNLIMITED}). */
  public String timeLimit(String id) throws IOException {
    String line = run("scontrol", "show", "job", "--oneliner", id);
    Matcher m = Pattern.compile("TimeLimit=(\\S+)").matcher(line);
    if (!m.find()) {
      throw new IOException("scontrol shows no TimeLimit for job " + id + ": " + line);
    }
    return m.group(1);
  }

  /** Releases held job {@code id} ({@code scontrol release}): Slurm may start it now. */
  public void release(String id) throws IOException {
    run("scontrol", "release", id);
  }

  /**
   * Asks Slurm to requeue job {@code id} ({@code scontrol requeue}, as an administrator would);
   * returns Slurm's refusal, empty when it requeued the job.
   */
  public Optional<String> requeue(String id) throws IOException {
    SlurmCommands.Result r = commands.run(List.of("scontrol", "requeue", id));
    return r.exitCode() == 0 ? Optional.empty() : Optional.of(r.problem());
  }

  /** Submits {@code sbatch --parsable ARGS}; returns the job id. */
  public String sbatch(String... args) throws IOException {
    String[] argv = new String[args.length + 2];
    argv[0] = "sbatch";
    argv[1] = "--parsable";
    System.arraycopy(args, 0, argv, 2, args.length);
    return Slurm.jobId(run(argv));
  }

  private String run(String... argv) throws IOException {
    SlurmCommands.Result r = commands.run(Arrays.asList(argv));
    if (r.exitCode() != 0) {
      throw new IOException(String.join(" ", argv) + ": " + r.problem());
    }
    return r.out();
  }
}
