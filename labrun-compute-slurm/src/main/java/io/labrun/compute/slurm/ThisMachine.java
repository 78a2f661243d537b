package io.labrun.compute.slurm;

import io.labrun.core.environment.EnvironmentRequest;
import io.labrun.core.environment.PreparedEnvironment;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.supervisor.LaunchSpec;
import io.labrun.core.supervisor.StateFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * A Slurm whose commands work on this machine (a login node): the run's folder is labrun's own
 * state folder here, so labrun's data folder ({@code LABRUN_HOME}) must be on the file system the
 * compute nodes share, as a home folder on a cluster is.
 */
final class ThisMachine implements SlurmSide {
  private final Map<String, String> env;
  private final Supplier<Path> pythonDir;
  private final Supplier<ComputeTarget> venvs;

  /**
   * @param env the user's environment: where Slurm's commands are found ({@code PATH}), and what
   *     {@code sbatch} hands on to the job
   * @param pythonDir labrun's Python files (the supervisor) here
   * @param venvs gives a local target that makes venvs of the target's Python (its cached venvs, in
   *     labrun's data folder, on the shared file system), asked for only when a run needs one
   */
  ThisMachine(Map<String, String> env, Supplier<Path> pythonDir, Supplier<ComputeTarget> venvs) {
    this.env = env;
    this.pythonDir = pythonDir;
    this.venvs = venvs;
  }

  @Override
  public PreparedEnvironment environment(
      String python, EnvironmentRequest request, RunEvents events) {
    return venvs.get().prepareEnvironment(request, events);
  }

  @Override
  public String interpreter(PreparedEnvironment prepared) {
    return Path.of(prepared.reference(), "bin", "python").toString();
  }

  @Override
  public SlurmCommands commands() {
    return new LocalCommands(env);
  }

  @Override
  public boolean needsLocalWorkDir() {
    return true;
  }

  @Override
  public Placed place(RunPlan plan, String launchJson, BiFunction<String, String, String> script) {
    Path state = plan.stateDir().toAbsolutePath();
    Path job = state.resolve("job.sh");
    try {
      Files.createDirectories(state.resolve(StateFolder.METRICS));
      LaunchSpec.write(state, launchJson);
      Files.writeString(
          job, script.apply(pythonDir.get().toAbsolutePath().toString(), state.toString()));
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE, "cannot write the run's job in " + state + ": " + e.getMessage(), e);
    }
    return new Placed(state.toString(), plan.workDir().toAbsolutePath().toString(), job.toString());
  }

  @Override
  public String write(RunPlan plan, Placed placed, String name, String text) {
    Path file = Path.of(placed.state()).resolve(name);
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new LabrunException(ExitCode.STORE, "cannot write " + file + ": " + e.getMessage(), e);
    }
    return file.toString();
  }

  @Override
  public JobFolder folder(Run run, Path stateDir) {
    return JobFolder.local(stateDir, stateDir.resolve("work"));
  }
}
