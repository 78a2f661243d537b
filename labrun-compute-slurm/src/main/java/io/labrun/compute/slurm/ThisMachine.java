package io.labrun.compute.slurm;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.run.Run;
import io.labrun.core.supervisor.LaunchSpec;
import io.labrun.core.supervisor.StateFolder;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * A Slurm whose commands work on this machine (a login node): the run's folder is labrun's own
 * state folder here, so labrun's data folder ({@code LABRUN_HOME}) must be on the file system the
 * compute nodes share, as a home folder on a cluster is.
 */
final class ThisMachine implements SlurmSide, SlurmCommands {
  private final Map<String, String> env;
  private final Supplier<Path> pythonDir;

  /**
   * @param env the user's environment: where Slurm's commands are found ({@code PATH}), and what
   *     {@code sbatch} hands on to the job
   * @param pythonDir labrun's Python files (the supervisor) here
   */
  ThisMachine(Map<String, String> env, Supplier<Path> pythonDir) {
    this.env = env;
    this.pythonDir = pythonDir;
  }

  @Override
  public SlurmCommands commands() {
    return this;
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
      Files.writeString(job, script.apply(pythonDir.get().toAbsolutePath().toString(), state.toString()));
    } catch (IOException e) {
      throw new LabrunException(ExitCode.STORE, "cannot write the run's job in " + state + ": " + e.getMessage(), e);
    }
    return new Placed(state.toString(), plan.workDir().toAbsolutePath().toString(), job.toString());
  }

  @Override
  public JobFolder folder(Run run, Path stateDir) {
    return JobFolder.local(stateDir, stateDir.resolve("work"));
  }

  @Override
  public Result run(List<String> argv) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Result(127, "", argv.get(0) + ": " + e.getMessage());
    }
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    byte[] out = readAll(p.getInputStream());
    try {
      int code = p.waitFor();
      return new Result(code, new String(out, StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      p.destroy();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while running " + argv.get(0));
    }
  }

  private static byte[] readAll(InputStream in) {
    try (in; ByteArrayOutputStream b = new ByteArrayOutputStream()) {
      in.transferTo(b);
      return b.toByteArray();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  @Override
  public String where() {
    return "this machine";
  }
}
