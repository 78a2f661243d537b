package io.labrun.compute.remote;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Framework;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.launch.CommandTarget;
import io.labrun.core.launch.Execution;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.supervisor.LaunchSpec;
import io.labrun.core.supervisor.StateFolder;
import io.labrun.ssh.HostCache;
import io.labrun.ssh.HostSession;
import io.labrun.ssh.SshConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code remote} compute target: runs the script with the host's own Python ({@code
 * pythonLocation}) under labrun's supervisor, in a working folder written out on the host from the
 * snapshot ({@code ~/.labrun/runs/<id>/work}). The supervisor runs detached there, so the run goes
 * on when the connection drops; its state folder is read over the connection by byte offset.
 */
public final class RemoteTarget implements CommandTarget {
  private final ComputeTargetSpec spec;
  private final HostSession host;
  private final ObjectStore objects;
  private final long logLimitBytes;

  RemoteTarget(ComputeTargetSpec spec, HostSession host, ObjectStore objects, long logLimitBytes) {
    this.spec = spec;
    this.host = host;
    this.objects = objects;
    this.logLimitBytes = logLimitBytes;
  }

  @Override
  public boolean needsLocalWorkDir() {
    return false;
  }

  @Override
  public void prepare(RunPlan plan, RunEvents events) {
    if (plan.configuration().frameworkOrDefault() == Framework.PYSPARK) {
      throw LabrunException.badInput(
          "a remote target runs Python scripts; for PySpark use a cluster target (Framework:"
              + " PySpark needs Target: a cluster)");
    }
    host.open(); // the host key, the login and labrun's files there; Python is checked by the first
    // command
  }

  @Override
  public Execution launch(RunPlan plan) {
    return launch(plan, command(plan), Map.of(), Map.of());
  }

  /**
   * Starts {@code command} instead of the run's script under the run's supervisor on the host (the
   * {@code cluster} target runs its Spark driver so), with {@code extraEnv} on top of the run's
   * variables and {@code runFiles} written into the run's folder there first.
   */
  @Override
  public Execution launch(
      RunPlan plan,
      List<String> command,
      Map<String, String> extraEnv,
      Map<String, byte[]> runFiles) {
    String runDir = HostCache.runDir(plan.runId());
    Snapshot snapshot = Snapshot.load(objects, plan.run().snapshotId());
    try {
      HostCache.SyncReport sent =
          host.call(
              (ssh, cache, lib) -> {
                String home = ssh.files().home();
                ssh.files().mkdirs(runDir + "/" + StateFolder.METRICS);
                ssh.files().makePrivate(runDir);
                Map<String, String> env = environment(plan, home, ssh);
                env.putAll(extraEnv);
                for (Map.Entry<String, byte[]> f : runFiles.entrySet()) {
                  ssh.files().write(runDir + "/" + f.getKey(), f.getValue());
                }
                LaunchSpec launch =
                    new LaunchSpec(
                        command,
                        home + "/" + runDir + "/work",
                        env,
                        logLimitBytes,
                        plan.timeout() == null ? null : Math.max(1, plan.timeout().toSeconds()),
                        LaunchSpec.DEFAULT_KILL_GRACE_SECONDS,
                        0,
                        null);
                ssh.files()
                    .writePrivate(
                        runDir + "/" + StateFolder.LAUNCH,
                        launch.toJson().getBytes(StandardCharsets.UTF_8));
                return cache.sync(lib, snapshot, objects, runDir + "/work", runDir);
              });
      return new RemoteExecution(host, runDir, plan.stateDir(), sent, Supervision.process(runDir));
    } catch (HostCache.HelperFailed e) {
      throw pythonProblem(e);
    } catch (IOException e) {
      throw HostSession.unreachable(e);
    }
  }

  @Override
  public Execution reattach(Run run, Path stateDir) {
    return new RemoteExecution(
        host,
        HostCache.runDir(run.id()),
        stateDir,
        null,
        Supervision.process(HostCache.runDir(run.id())));
  }

  private List<String> command(RunPlan plan) {
    List<String> cmd = new ArrayList<>();
    cmd.add(spec.python());
    cmd.addAll(plan.scriptArguments());
    return cmd;
  }

  /** The variables a run gets on top of the host's login environment. */
  private Map<String, String> environment(RunPlan plan, String home, SshConnection ssh)
      throws IOException {
    Map<String, String> env = new LinkedHashMap<>(plan.environment());
    env.put("LABRUN_RUN_ID", plan.runId());
    env.put("AZUREML_RUN_ID", plan.runId());
    env.put("LABRUN_EXPERIMENT", plan.project().name());
    String shared = spec.nativeSharedDirectory();
    if (shared != null && !shared.isBlank()) {
      String base =
          shared.startsWith("/")
              ? shared
              : home + "/" + (shared.startsWith("~/") ? shared.substring(2) : shared);
      String dir = base.replaceAll("/+$", "") + "/" + plan.project().name();
      ssh.files().mkdirs(dir);
      env.put("AZUREML_NATIVE_SHARE_DIRECTORY", dir + "/");
    }
    return env;
  }

  private LabrunException pythonProblem(HostCache.HelperFailed e) {
    String where = host.settings().where();
    if (e.exitCode() == 127 || e.exitCode() == 126) {
      return new LabrunException(
          ExitCode.ENVIRONMENT,
          "'"
              + spec.python()
              + "' cannot be run on "
              + where
              + "; install Python 3 there or set"
              + " pythonLocation in aml_config/"
              + spec.name()
              + ".compute to its Python 3");
    }
    return new LabrunException(
        ExitCode.ENVIRONMENT,
        e.getMessage()
            + " (labrun needs '"
            + spec.python()
            + "' on "
            + where
            + " to be Python 3; see pythonLocation in aml_config/"
            + spec.name()
            + ".compute)",
        e);
  }
}
