package io.labrun.compute.local;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Framework;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.environment.EnvironmentRequest;
import io.labrun.core.environment.Executables;
import io.labrun.core.environment.PreparedEnvironment;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.home.Folders;
import io.labrun.core.launch.CommandTarget;
import io.labrun.core.launch.Execution;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.supervisor.LaunchSpec;
import io.labrun.core.supervisor.StateFolder;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code local} compute target: runs the script with this machine's Python ({@code
 * pythonLocation}, found on the user's {@code PATH}), under labrun's supervisor, in the run's
 * working folder. The interpreter is used as it is and nothing is installed, as in the original
 * ({@code PrepareEnvironment} and the conda file have no effect), unless the target's file says
 * labrun's own {@code labrunLocalVenv: true} or a 2018-format run configuration says {@code
 * userManagedDependencies: false}: then Python runs use a cached venv of it with the conda file's
 * packages (see {@link LocalEnvironments}).
 */
public final class LocalTarget implements CommandTarget {
  private final ComputeTargetSpec spec;
  private final LocalRuntime runtime;
  private final Map<String, Path> venvs = new ConcurrentHashMap<>();

  public LocalTarget(ComputeTargetSpec spec, LocalRuntime runtime) {
    this.spec = spec;
    this.runtime = runtime;
  }

  @Override
  public void prepare(RunPlan plan, RunEvents events) {
    String program =
        plan.configuration().frameworkOrDefault() == Framework.PYSPARK
            ? spec.sparkSubmit()
            : spec.python();
    if (Executables.find(program, runtime.baseEnvironment()).isEmpty()) {
      String key =
          plan.configuration().frameworkOrDefault() == Framework.PYSPARK
              ? "sparkSubmitLocation"
              : "pythonLocation";
      throw new LabrunException(
          ExitCode.ENVIRONMENT,
          "'"
              + program
              + "' not found"
              + (program.contains("/") ? "" : " on PATH")
              + "; set "
              + key
              + " in aml_config/"
              + spec.name()
              + ".compute to an installed one");
    }
    // PrepareEnvironment has no effect here, as in the original: only labrun's own key (the venv is
    // then built when missing, as the user asked for it in the target's file) or the 2018 format's
    // userManagedDependencies: false ask for a venv.
    if (usesVenv(plan.configuration())
        && plan.configuration().frameworkOrDefault() == Framework.PYTHON) {
      PreparedEnvironment env =
          prepareEnvironment(
              spec.localVenv()
                  ? EnvironmentRequest.of(plan).buildable()
                  : EnvironmentRequest.of(plan),
              events);
      if (!env.cached()) {
        events.progress(
            "environment " + env.id() + " built in " + env.took().toMillis() / 1000.0 + " s");
      }
      venvs.put(plan.stateDir().toString(), LocalEnvironments.interpreter(env));
    }
  }

  /**
   * The venv of {@code request}, when this target or its configuration asks for one; else one line
   * saying local runs use the interpreter as is.
   */
  @Override
  public PreparedEnvironment prepareEnvironment(EnvironmentRequest request, RunEvents events) {
    if (!usesVenv(request.configuration())) {
      throw LabrunException.badInput(
          "nothing to prepare: the local target '"
              + spec.name()
              + "' runs "
              + spec.python()
              + " as it is and installs nothing (PrepareEnvironment and the conda file have no"
              + " effect on it); to have labrun build a venv from the conda file, add '"
              + ComputeTargetSpec.LOCAL_VENV
              + ": true' to aml_config/"
              + spec.name()
              + ".compute");
    }
    return runtime.environments().prepare(spec.python(), request, events);
  }

  private boolean usesVenv(RunConfiguration configuration) {
    return !spec.installsNothing(configuration);
  }

  @Override
  public Execution launch(RunPlan plan) {
    return launch(plan, command(plan), Map.of(), Map.of());
  }

  /**
   * Starts {@code command} under the supervisor as this run's script, with the run's environment
   * plus {@code extraEnv}: how other targets that run on this machine (a Spark driver) reuse the
   * local target's supervision, logs, cancel and collection.
   */
  @Override
  public Execution launch(
      RunPlan plan,
      List<String> command,
      Map<String, String> extraEnv,
      Map<String, byte[]> runFiles) {
    Path state = plan.stateDir();
    try {
      Files.createDirectories(state.resolve(StateFolder.METRICS));
      for (Map.Entry<String, byte[]> f : runFiles.entrySet()) {
        Folders.writePrivate(
            state.resolve(f.getKey()), new String(f.getValue(), StandardCharsets.UTF_8));
      }
      List<String> finalize =
          runtime.finalizeCommand().isEmpty()
              ? null
              : append(runtime.finalizeCommand(), plan.runId());
      Map<String, String> env = new LinkedHashMap<>(environment(plan));
      env.putAll(extraEnv);
      LaunchSpec launch =
          new LaunchSpec(
              command,
              plan.workDir().toString(),
              env,
              runtime.logLimitBytes(),
              plan.timeout() == null ? null : Math.max(1, plan.timeout().toSeconds()),
              runtime.killGraceSeconds(),
              runtime.parentPid(),
              finalize);
      LaunchSpec.write(state, launch.toJson());
      SupervisorProcess supervisor = runtime.supervisors().start(runtime, state, plan.workDir());
      return LocalExecution.started(spec, state, plan.workDir(), runtime.workFolders(), supervisor);
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.ENVIRONMENT,
          "cannot start the run's supervisor with '"
              + runtime.supervisorPython()
              + "': "
              + e.getMessage()
              + " (labrun needs a Python 3 on PATH to supervise local runs)",
          e);
    }
  }

  @Override
  public Execution reattach(Run run, Path stateDir) {
    return LocalExecution.reattached(
        spec, stateDir, stateDir.resolve("work"), runtime.workFolders());
  }

  @Override
  public int runUntracked(RunPlan plan) {
    prepare(plan, RunEvents.NONE);
    ProcessBuilder pb =
        new ProcessBuilder(command(plan)).directory(plan.workDir().toFile()).inheritIO();
    pb.environment().clear();
    pb.environment().putAll(runtime.baseEnvironment());
    Map<String, String> env = new LinkedHashMap<>(environment(plan));
    env.remove("LABRUN_METRICS_DIR");
    env.put("LABRUN_TRACKING", "off");
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      return p.waitFor();
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.ENVIRONMENT, "cannot start " + command(plan).get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  private String program(RunPlan plan) {
    if (plan.configuration().frameworkOrDefault() == Framework.PYSPARK) {
      return spec.sparkSubmit();
    }
    Path venv = venvs.get(plan.stateDir().toString());
    if (venv != null) {
      return venv.toString();
    }
    // Found on the user's PATH, not this process's (a resident labrun serves many shells).
    return Executables.find(spec.python(), runtime.baseEnvironment())
        .map(Path::toString)
        .orElse(spec.python());
  }

  List<String> command(RunPlan plan) {
    List<String> cmd = new ArrayList<>();
    cmd.add(program(plan));
    if (plan.configuration().frameworkOrDefault() == Framework.PYSPARK) {
      cmd.addAll(plan.spark().sparkSubmitArguments(spec.sparkMaster()));
    }
    cmd.addAll(plan.scriptArguments());
    return cmd;
  }

  /** The variables a run gets on top of the user's environment. */
  Map<String, String> environment(RunPlan plan) {
    Map<String, String> env = new LinkedHashMap<>(plan.environment());
    String existing = runtime.baseEnvironment().get("PYTHONPATH");
    env.put(
        "PYTHONPATH",
        runtime.pythonDir()
            + (existing == null || existing.isEmpty() ? "" : File.pathSeparator + existing));
    if (plan.run() != null) {
      env.put("LABRUN_METRICS_DIR", plan.stateDir().resolve(StateFolder.METRICS).toString());
      env.put("LABRUN_RUN_ID", plan.runId());
      env.put("AZUREML_RUN_ID", plan.runId());
    }
    env.put("LABRUN_EXPERIMENT", plan.project().name());
    sharedDirectory(plan).ifPresent(dir -> env.put("AZUREML_NATIVE_SHARE_DIRECTORY", dir));
    return env;
  }

  /** The project's folder under {@code nativeSharedDirectory}, created, with a trailing slash. */
  private Optional<String> sharedDirectory(RunPlan plan) {
    String configured = spec.nativeSharedDirectory();
    if (configured == null || configured.isBlank()) {
      return Optional.empty();
    }
    Path base =
        configured.startsWith("~/") || configured.equals("~")
            ? Path.of(
                    runtime.baseEnvironment().getOrDefault("HOME", System.getProperty("user.home")))
                .resolve(configured.substring(Math.min(2, configured.length())))
            : plan.project().root().resolve(configured);
    Path dir = base.resolve(plan.project().name());
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.ENVIRONMENT,
          "cannot create the shared folder "
              + dir
              + " (nativeSharedDirectory in aml_config/"
              + spec.name()
              + ".compute): "
              + e.getMessage(),
          e);
    }
    return Optional.of(dir.toString() + File.separator);
  }

  private static List<String> append(List<String> prefix, String last) {
    List<String> l = new ArrayList<>(prefix);
    l.add(last);
    return l;
  }
}
