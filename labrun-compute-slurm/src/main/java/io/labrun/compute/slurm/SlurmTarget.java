package io.labrun.compute.slurm;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Framework;
import io.labrun.core.environment.EnvironmentRequest;
import io.labrun.core.environment.PreparedEnvironment;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.BatchLaunch;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.Execution;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.supervisor.LaunchSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code slurm} compute target (labrun's own; the original had none): each run is one batch job
 * that runs labrun's supervisor on a compute node, in the run's folder on the cluster's shared file
 * system, so its output, metrics, {@code ./outputs} and exit record work as on every target. The
 * job id is recorded with the run ({@code slurm_job_id}); a later labrun finds the job by it.
 */
public final class SlurmTarget implements ComputeTarget, BatchLaunch {
  /**
   * The most runs of one job array: Slurm's default {@code MaxArraySize} (1001) allows tasks 0 to
   * 1000.
   */
  static final int MAX_ARRAY_RUNS = 1000;

  private final ComputeTargetSpec spec;
  private final SlurmSide side;
  private final Slurm slurm;
  private final long logLimitBytes;
  private final Clock clock;

  /**
   * The environment's Python of each run prepared with one (PrepareEnvironment: true), until it is
   * launched.
   */
  private final Map<String, String> pythons = new ConcurrentHashMap<>();

  /**
   * @param looks the last looks at job arrays, shared by the targets of one command
   */
  SlurmTarget(
      ComputeTargetSpec spec, SlurmSide side, ArrayLooks looks, long logLimitBytes, Clock clock) {
    this.spec = spec;
    this.side = side;
    this.slurm = new Slurm(side.commands(), looks);
    this.logLimitBytes = logLimitBytes;
    this.clock = clock;
  }

  @Override
  public boolean needsLocalWorkDir() {
    return side.needsLocalWorkDir();
  }

  @Override
  public void prepare(RunPlan plan, RunEvents events) {
    if (plan.configuration().frameworkOrDefault() == Framework.PYSPARK) {
      throw LabrunException.badInput(
          "a slurm target runs Python scripts; for PySpark use a cluster target (Framework: PySpark"
              + " needs Target: a cluster)");
    }
    if (plan.configuration().prepares()) {
      PreparedEnvironment env =
          side.environment(spec.python(), EnvironmentRequest.of(plan), events);
      if (!env.cached()) {
        events.progress(
            "environment " + env.id() + " built in " + env.took().toMillis() / 1000.0 + " s");
      }
      pythons.put(plan.runId(), side.interpreter(env));
    }
  }

  /**
   * The run configuration's environment where the compute nodes see it ({@code labrun experiment
   * prepare}).
   */
  @Override
  public PreparedEnvironment prepareEnvironment(EnvironmentRequest request, RunEvents events) {
    return side.environment(spec.python(), request, events);
  }

  @Override
  public Execution launch(RunPlan plan) {
    SlurmSide.Placed placed = place(SlurmSettings.of(spec), plan);
    String jobId;
    JobInfo seen;
    try {
      jobId =
          slurm.submit(
              JobScript.submitArguments(
                  plan.runId(), placed.state(), placed.work(), placed.script()));
      seen = slurm.show(jobId).orElse(null);
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.TARGET_UNAVAILABLE,
          "cannot submit the run's job on " + slurm.where() + ": " + e.getMessage(),
          e);
    }
    return new SlurmExecution(slurm, jobId, side.folder(plan.run(), plan.stateDir()), clock, seen);
  }

  /** A sweep's points are one job array. */
  @Override
  public Optional<BatchLaunch> batchLaunch() {
    return Optional.of(this);
  }

  @Override
  public int maxRuns() {
    return MAX_ARRAY_RUNS;
  }

  /**
   * One job array ({@code sbatch --array=0-N%K}): each run's folder is written as for a run of its
   * own ({@code job.sh} included), and the array's script sends task {@code i} to run {@code i}'s.
   * Each run's job id is its element's, {@code ARRAYID_i}.
   */
  @Override
  public List<Execution> launch(List<RunPlan> plans, int parallel) {
    SlurmSettings settings = SlurmSettings.of(spec);
    List<SlurmSide.Placed> placed = new ArrayList<>();
    for (RunPlan plan : plans) {
      placed.add(place(settings, plan));
    }
    RunPlan first = plans.get(0);
    String script =
        side.write(
            first,
            placed.get(0),
            "array.sh",
            JobScript.arrayText(settings, first.timeout(), placed));
    String state = placed.get(0).state();
    String name = first.run().sweepId() != null ? first.run().sweepId() : first.runId();
    String arrayId;
    try {
      arrayId =
          slurm.submit(
              JobScript.arrayArguments(
                  name,
                  plans.size(),
                  parallel,
                  state.substring(0, Math.max(1, state.lastIndexOf('/'))),
                  script));
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.TARGET_UNAVAILABLE,
          "cannot submit the sweep's job array on " + slurm.where() + ": " + e.getMessage(),
          e);
    }
    List<Execution> executions = new ArrayList<>();
    for (int i = 0; i < plans.size(); i++) {
      RunPlan plan = plans.get(i);
      String jobId = arrayId + "_" + i;
      JobInfo seen;
      try {
        seen = slurm.show(jobId).orElse(null);
      } catch (IOException e) {
        seen = null; // asked again at the first poll
      }
      executions.add(
          new SlurmExecution(slurm, jobId, side.folder(plan.run(), plan.stateDir()), clock, seen));
    }
    return executions;
  }

  /** Writes the run's folder for its job: {@code launch.json}, {@code job.sh}, {@code work/}. */
  private SlurmSide.Placed place(SlurmSettings settings, RunPlan plan) {
    String python = pythons.getOrDefault(plan.runId(), spec.python());
    pythons.remove(plan.runId());
    return side.place(
        plan,
        launchSpec(plan, python).toJson(),
        (lib, state) ->
            JobScript.text(settings, plan.timeout(), python, lib + "/labrun_supervisor.py", state));
  }

  @Override
  public Execution reattach(Run run, Path stateDir) {
    return new SlurmExecution(
        slurm,
        run.attributes().get(SlurmExecution.JOB_ID),
        side.folder(run, stateDir),
        clock,
        null);
  }

  /**
   * What the supervisor on the compute node runs: the node's Python with the script and its
   * arguments.
   */
  private LaunchSpec launchSpec(RunPlan plan, String python) {
    List<String> command = new ArrayList<>();
    command.add(python);
    command.addAll(plan.scriptArguments());
    Map<String, String> env = new LinkedHashMap<>(plan.environment());
    env.put("LABRUN_RUN_ID", plan.runId());
    env.put("AZUREML_RUN_ID", plan.runId());
    env.put("LABRUN_EXPERIMENT", plan.project().name());
    Long timeout = plan.timeout() == null ? null : Math.max(1, plan.timeout().toSeconds());
    // no parent to watch and no finalizer: a compute node cannot call this labrun back; the next
    // command records the end
    return new LaunchSpec(
        command, null, env, logLimitBytes, timeout, LaunchSpec.DEFAULT_KILL_GRACE_SECONDS, 0, null);
  }
}
