package io.labrun.compute.local;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.home.Folders;
import io.labrun.core.launch.Execution;
import io.labrun.core.snapshot.WorkFolders;
import io.labrun.core.supervisor.ExitRecord;
import io.labrun.core.supervisor.StateFolder;
import io.labrun.core.supervisor.SupervisorState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A run on this machine, seen through its supervisor's state folder. Holds the supervisor's process
 * when this JVM started it (to notice its end at once); otherwise finds it by pid.
 */
final class LocalExecution implements Execution {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private final ComputeTargetSpec spec;
  private final Path state;
  private final Path work;
  private final SupervisorProcess supervisor;
  private final WorkFolders workFolders;
  private SupervisorState supervisorState;

  private LocalExecution(
      ComputeTargetSpec spec,
      Path state,
      Path work,
      WorkFolders workFolders,
      SupervisorProcess supervisor,
      SupervisorState supervisorState) {
    this.spec = spec;
    this.workFolders = workFolders;
    this.state = state;
    this.work = work;
    this.supervisor = supervisor;
    this.supervisorState = supervisorState;
  }

  /**
   * Waits until the supervisor has started the script (or failed to), so the run's pids are known.
   */
  static LocalExecution started(
      ComputeTargetSpec spec,
      Path state,
      Path work,
      WorkFolders workFolders,
      SupervisorProcess supervisor)
      throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    long pause = 1;
    while (System.nanoTime() < deadline) {
      Optional<SupervisorState> s = readState(state);
      if (s.isPresent() || StateFolder.has(state, StateFolder.EXIT)) {
        return new LocalExecution(spec, state, work, workFolders, supervisor, s.orElse(null));
      }
      if (!supervisor.isAlive()) {
        s = readState(state);
        if (s.isPresent() || StateFolder.has(state, StateFolder.EXIT)) {
          return new LocalExecution(spec, state, work, workFolders, supervisor, s.orElse(null));
        }
        throw new LabrunException(
            ExitCode.ENVIRONMENT,
            "the run's supervisor stopped before starting the script (exit code "
                + supervisor.exitValue()
                + "): "
                + tail(state.resolve(StateFolder.SUPERVISOR_LOG)));
      }
      try {
        supervisor.awaitStarted(Duration.ofMillis(pause));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      pause = Math.min(pause * 2, 20);
    }
    supervisor.handle().ifPresent(ProcessHandle::destroy);
    throw new LabrunException(
        ExitCode.ENVIRONMENT,
        "the run's supervisor did not start the script within "
            + START_TIMEOUT.toSeconds()
            + " s: "
            + tail(state.resolve(StateFolder.SUPERVISOR_LOG)));
  }

  static LocalExecution reattached(
      ComputeTargetSpec spec, Path state, Path work, WorkFolders workFolders) {
    try {
      return new LocalExecution(
          spec, state, work, workFolders, null, readState(state).orElse(null));
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE, "cannot read the run's state in " + state + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Map<String, String> attributes() {
    Map<String, String> a = new LinkedHashMap<>();
    if (supervisorState != null) {
      a.put("supervisor_pid", Long.toString(supervisorState.pid()));
      a.put("pid", Long.toString(supervisorState.childPid()));
    }
    a.put("state_dir", state.toString());
    return a;
  }

  @Override
  public byte[] readOutput(long offset, int max) throws IOException {
    return StateFolder.readOutput(state, offset, max);
  }

  @Override
  public Optional<ExitRecord> poll() throws IOException {
    Optional<ExitRecord> exit = readExit();
    if (exit.isPresent()) {
      return exit;
    }
    if (supervisorAlive()) {
      return Optional.empty();
    }
    exit = readExit(); // it may have written the record just before ending
    if (exit.isPresent()) {
      return exit;
    }
    return Optional.of(
        ExitRecord.lost(
            Instant.now(),
            "the supervisor of the run"
                + (supervisorState == null ? "" : " (pid " + supervisorState.pid() + ")")
                + " is gone without recording how the script ended"));
  }

  @Override
  public void awaitChange(Duration max) throws InterruptedException {
    if (supervisor != null) {
      supervisor.waitFor(max);
    } else {
      Thread.sleep(max.toMillis());
    }
  }

  @Override
  public void cancel() throws IOException {
    if (readExit().isPresent()) {
      return;
    }
    Optional<ProcessHandle> sup = supervisorHandle();
    if (sup.isPresent()) {
      sup.get()
          .destroy(); // SIGTERM: the supervisor stops the script's process group and records it
      return;
    }
    if (supervisorState != null) {
      // The supervisor is gone but the script may not be: stop its whole process group ourselves.
      new ProcessBuilder("kill", "-KILL", "--", "-" + supervisorState.childPgid())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
    }
  }

  @Override
  public Collected collect(Path scratch) {
    return new Collected(work.resolve(StateFolder.OUTPUTS), state.resolve(StateFolder.METRICS));
  }

  @Override
  public void cleanUp() throws IOException {
    if (workFolders != null) {
      workFolders.release(
          work); // kept for the next run of its snapshot if the run left it as written
    } else {
      Folders.delete(work);
    }
  }

  private Optional<ExitRecord> readExit() throws IOException {
    return StateFolder.readExit(state);
  }

  private boolean supervisorAlive() throws IOException {
    if (supervisor != null) {
      return supervisor.isAlive();
    }
    if (supervisorState == null) {
      supervisorState = readState(state).orElse(null);
    }
    return supervisorHandle().isPresent();
  }

  /** The supervisor's process if it still runs (the same process: pid and start time match). */
  private Optional<ProcessHandle> supervisorHandle() {
    if (supervisor != null) {
      return supervisor.handle();
    }
    if (supervisorState == null) {
      return Optional.empty();
    }
    return ProcessHandle.of(supervisorState.pid())
        .filter(ProcessHandle::isAlive)
        .filter(
            h ->
                h.info()
                    .startInstant()
                    .map(
                        t ->
                            Math.abs(t.toEpochMilli() - supervisorState.started().toEpochMilli())
                                < 60_000)
                    .orElse(true));
  }

  private static Optional<SupervisorState> readState(Path state) throws IOException {
    return StateFolder.readState(state);
  }

  private static String tail(Path file) {
    try {
      String s = Files.readString(file).strip();
      String[] lines = s.split("\n");
      return lines.length == 0 || s.isEmpty() ? "(no output)" : lines[lines.length - 1];
    } catch (IOException e) {
      return "(no output)";
    }
  }
}
