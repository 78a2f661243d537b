package io.labrun.compute.slurm;

import io.labrun.core.environment.EnvironmentRequest;
import io.labrun.core.environment.PreparedEnvironment;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.supervisor.StateFolder;
import io.labrun.ssh.HostCache;
import io.labrun.ssh.HostSession;
import io.labrun.ssh.RemoteEnvironments;
import io.labrun.ssh.SshConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A Slurm cluster reached through its login node over SSH, with labrun's SSH layer: one kept
 * connection, host keys, labrun's Python files and the snapshot sent as the objects the login node
 * lacks ({@link HostCache}). The run's folder is {@code ~/.labrun/runs/<id>} there, in the home
 * folder the compute nodes share.
 */
final class LoginNode implements SlurmSide, SlurmCommands {
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
  private final HostSession host;
  private final ComputeTarget files;
  private final ObjectStore objects;
  private final Map<String, String> labrunEnv;
  private final Path buildLogs;
  private final String workFolder;

  /**
   * @param files the {@code remote} target on the same login: it reads, collects and removes run
   *     folders there
   * @param labrunEnv labrun's environment, for the pip options a run configuration does not set
   * @param buildLogs where environment build logs go on this machine
   * @param workFolder the target's {@code workFolder} (absolute or {@code ~/...}), or null: run
   *     folders in {@code ~/.labrun/runs}
   */
  LoginNode(
      HostSession host,
      ComputeTarget files,
      ObjectStore objects,
      Map<String, String> labrunEnv,
      Path buildLogs,
      String workFolder) {
    this.host = host;
    this.files = files;
    this.objects = objects;
    this.labrunEnv = labrunEnv;
    this.buildLogs = buildLogs;
    this.workFolder = workFolder;
  }

  /**
   * Built on the login node under {@code ~/.labrun/envs/<id>} (a lock per id there): the home
   * folder the compute nodes share.
   */
  @Override
  public PreparedEnvironment environment(
      String python, EnvironmentRequest request, RunEvents events) {
    return RemoteEnvironments.prepare(
        host, python, identity(python), request, labrunEnv, buildLogs, events);
  }

  @Override
  public String interpreter(PreparedEnvironment prepared) {
    return prepared.reference() + "/bin/python";
  }

  /**
   * What names the login node's {@code python}: its real path and version (an environment's id
   * depends on it).
   */
  private String identity(String python) {
    try {
      Result r =
          run(
              List.of(
                  python,
                  "-c",
                  "import os, sys; print(os.path.realpath(sys.executable),"
                      + " sys.version.split()[0])"));
      if (r.exitCode() != 0) {
        throw new LabrunException(
            ExitCode.ENVIRONMENT,
            "'"
                + python
                + "' cannot be run on "
                + where()
                + " ("
                + r.problem()
                + "); set pythonLocation in the target's .compute file to its Python 3");
      }
      String[] lines = r.out().strip().split("\n");
      return lines[lines.length - 1];
    } catch (IOException e) {
      throw HostSession.unreachable(e);
    }
  }

  @Override
  public SlurmCommands commands() {
    return this;
  }

  @Override
  public boolean needsLocalWorkDir() {
    return false;
  }

  @Override
  public Placed place(RunPlan plan, String launchJson, BiFunction<String, String, String> script) {
    String runDir = HostCache.runDir(plan.runId());
    Snapshot snapshot = Snapshot.load(objects, plan.run().snapshotId());
    try {
      return host.call(
          (ssh, cache, lib) -> {
            String home = ssh.files().home();
            String state = home + "/" + runDir;
            String elsewhere = elsewhere(plan.runId());
            if (elsewhere != null) {
              state = elsewhere.startsWith("/") ? elsewhere : home + "/" + elsewhere;
              // ~/.labrun/runs/<id> is a link to it: reading, collecting and removing go through
              // the link as for any run
              List<String> link =
                  List.of(
                      "sh",
                      "-c",
                      "mkdir -p -- \"$1\" && chmod 700 -- \"$1\" && mkdir -p -- \"$(dirname --"
                          + " \"$2\")\" && ln -sfn -- \"$3\" \"$2\"",
                      "sh",
                      elsewhere,
                      runDir,
                      state);
              HostCache.check(
                  ssh.run(link, null, COMMAND_TIMEOUT),
                  "make the run's folder in workFolder " + workFolder);
            }
            ssh.files().mkdirs(runDir + "/" + StateFolder.METRICS);
            ssh.files().makePrivate(runDir);
            ssh.files()
                .writePrivate(
                    runDir + "/" + StateFolder.LAUNCH, launchJson.getBytes(StandardCharsets.UTF_8));
            ssh.files()
                .write(
                    runDir + "/job.sh",
                    script.apply(home + "/" + lib, state).getBytes(StandardCharsets.UTF_8));
            cache.sync(lib, snapshot, objects, runDir + "/work", null);
            return new Placed(state, state + "/work", state + "/job.sh");
          });
    } catch (HostCache.HelperFailed e) {
      throw new LabrunException(ExitCode.ENVIRONMENT, e.getMessage(), e);
    } catch (IOException e) {
      throw HostSession.unreachable(e);
    }
  }

  @Override
  public String write(RunPlan plan, Placed placed, String name, String text) {
    String file = HostCache.runDir(plan.runId()) + "/" + name;
    try {
      host.call(
          (ssh, cache, lib) -> {
            ssh.files().write(file, text.getBytes(StandardCharsets.UTF_8));
            return null;
          });
    } catch (IOException e) {
      throw HostSession.unreachable(e);
    }
    return placed.state() + "/" + name;
  }

  @Override
  public JobFolder folder(Run run, Path stateDir) {
    return new LoginNodeFolder(
        files.reattach(run, stateDir),
        host,
        HostCache.runDir(run.id()),
        stateDir,
        elsewhere(run.id()));
  }

  /**
   * The run's folder under {@code workFolder}: absolute, or relative to the home folder (where
   * commands start); null without one.
   */
  private String elsewhere(String runId) {
    if (workFolder == null) {
      return null;
    }
    String base = workFolder.startsWith("~/") ? workFolder.substring(2) : workFolder;
    return base.replaceAll("/+$", "") + "/" + runId;
  }

  @Override
  public Result run(List<String> argv) throws IOException {
    SshConnection.Result r = host.call((ssh, cache, lib) -> ssh.run(argv, null, COMMAND_TIMEOUT));
    return new Result(r.exitCode(), r.out(), r.err());
  }

  @Override
  public String where() {
    return host.settings().where();
  }
}
