package io.labrun.compute.local;

import io.labrun.core.snapshot.WorkFolders;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the local target needs from the machine it runs on.
 *
 * @param pythonDir folder with labrun's Python packages ({@code azureml.logging}, {@code labrun}),
 *     put first on every run's {@code PYTHONPATH}
 * @param supervisorScript {@code labrun_supervisor.py}
 * @param supervisorPython interpreter for the supervisor (a Python 3, independent of the run's)
 * @param baseEnvironment the environment runs start from (the user's)
 * @param finalizeCommand the command that records a run's end, run id appended; empty for none
 * @param sharedRoot where {@code nativeSharedDirectory} folders go when the target names none
 * @param logLimitBytes output kept per run before the middle is dropped
 * @param environments the cached venvs of local targets with {@code labrunLocalVenv: true}
 * @param supervisors what starts the runs' supervisors (close it when done with the runtime)
 * @param parentPid the process whose end means nobody watches the run any more (the labrun command,
 *     or the client of a resident labrun): then the supervisor records the run's end itself
 * @param workFolders where an ended run's working folder goes (handed on to the next run of its
 *     snapshot, or deleted); null: deleted
 */
public record LocalRuntime(
    Path pythonDir,
    Path supervisorScript,
    String supervisorPython,
    Map<String, String> baseEnvironment,
    List<String> finalizeCommand,
    Path sharedRoot,
    long logLimitBytes,
    int killGraceSeconds,
    LocalEnvironments environments,
    Supervisors supervisors,
    long parentPid,
    WorkFolders workFolders) {

  public static final long DEFAULT_LOG_LIMIT = 256L * 1024 * 1024;

  public LocalRuntime(
      Path pythonDir,
      Path supervisorScript,
      String supervisorPython,
      Map<String, String> baseEnvironment,
      List<String> finalizeCommand,
      Path sharedRoot,
      long logLimitBytes,
      int killGraceSeconds,
      LocalEnvironments environments) {
    this(
        pythonDir,
        supervisorScript,
        supervisorPython,
        baseEnvironment,
        finalizeCommand,
        sharedRoot,
        logLimitBytes,
        killGraceSeconds,
        environments,
        new Supervisors(),
        ProcessHandle.current().pid(),
        null);
  }
}
