package io.labrun.target.local;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.execution.Execution;
import io.labrun.core.execution.ExitRecord;
import io.labrun.core.supervisor.ExitRecords;
import io.labrun.core.supervisor.SupervisorState;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A run on this machine, seen through its supervisor's state folder. Holds the supervisor's
 * process when this JVM started it (to notice its end at once); otherwise finds it by pid.
 */
final class LocalExecution implements Execution {
  private final ComputeTargetSpec spec;
  private final Path state;
  private final Path work;
  private final Process supervisor;
  private SupervisorState supervisorState;
  /** The supervisor's pid as recorded at launch, and when: enough to find it before it wrote its own file. */
  private final Long recordedPid;
  private final Instant recordedAt;

  private LocalExecution(ComputeTargetSpec spec, Path state, Path work, Process supervisor, SupervisorState supervisorState, Long recordedPid, Instant recordedAt) {
    this.spec = spec;
    this.state = state;
    this.work = work;
    this.supervisor = supervisor;
    this.supervisorState = supervisorState;
    this.recordedPid = recordedPid;
    this.recordedAt = recordedAt;
  }

  /**
   * A run whose supervisor this process just started. It does not wait for the script to start:
   * the supervisor's own files say how that went, and {@link #poll} notices a supervisor that died
   * without a word.
   */
  static LocalExecution started(ComputeTargetSpec spec, Path state, Path work, Process supervisor) {
    return new LocalExecution(spec, state, work, supervisor, null, null, null);
  }

  static LocalExecution reattached(ComputeTargetSpec spec, Path state, Path work, Long recordedPid, Instant recordedAt) {
    try {
      return new LocalExecution(spec, state, work, null, readState(state).orElse(null), recordedPid, recordedAt);
    } catch (IOException e) {
      throw new LabrunException(ExitCode.STORE, "cannot read the run's state in " + state + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Map<String, String> attributes() {
    Map<String, String> a = new LinkedHashMap<>();
    if (supervisor != null) {
      a.put("supervisor_pid", Long.toString(supervisor.pid()));
    } else if (supervisorState != null) {
      a.put("supervisor_pid", Long.toString(supervisorState.pid()));
    }
    a.put("state_dir", state.toString());
    return a;
  }

  @Override
  public byte[] readOutput(long offset, int max) throws IOException {
    Path log = state.resolve("output.log");
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long size = f.length();
      if (offset >= size) {
        return new byte[0];
      }
      byte[] buf = new byte[(int) Math.min(max, size - offset)];
      f.seek(offset);
      f.readFully(buf);
      int end = buf.length;
      while (end > 0 && buf[end - 1] != '\n') {
        end--; // only whole records
      }
      return end == buf.length ? buf : java.util.Arrays.copyOf(buf, end);
    } catch (java.io.FileNotFoundException e) {
      return new byte[0];
    }
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
    String log = tail(state.resolve("supervisor.log"));
    return Optional.of(ExitRecord.lost(Instant.now(), "the supervisor of the run"
        + (supervisorState == null ? "" : " (pid " + supervisorState.pid() + ")") + " is gone without recording how the script ended"
        + ("(no output)".equals(log) ? "" : " (it said: " + log + ")")));
  }

  @Override
  public void awaitChange(Duration max) throws InterruptedException {
    if (supervisor != null) {
      supervisor.waitFor(max.toMillis(), TimeUnit.MILLISECONDS);
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
      sup.get().destroy(); // SIGTERM: the supervisor stops the script's process group and records it
      return;
    }
    if (supervisorState != null) {
      // The supervisor is gone but the script may not be: stop its whole process group ourselves.
      new ProcessBuilder("kill", "-KILL", "--", "-" + supervisorState.childPgid()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
  }

  @Override
  public Collected collect(Path scratch) {
    return new Collected(work.resolve("outputs"), state.resolve("metrics"));
  }

  @Override
  public void cleanUp() throws IOException {
    if (!Files.exists(work)) {
      return;
    }
    Files.walkFileTree(work, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private Optional<ExitRecord> readExit() throws IOException {
    try {
      return Optional.of(ExitRecords.parse(Files.readString(state.resolve("exit.json"))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
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
      return supervisor.isAlive() ? Optional.of(supervisor.toHandle()) : Optional.empty();
    }
    long pid;
    Instant startedAround;
    if (supervisorState != null) {
      pid = supervisorState.pid();
      startedAround = supervisorState.started();
    } else if (recordedPid != null) {
      pid = recordedPid; // launched, but it has not written its own file yet
      startedAround = recordedAt;
    } else {
      return Optional.empty();
    }
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> startedAround == null || h.info().startInstant()
        .map(t -> Math.abs(t.toEpochMilli() - startedAround.toEpochMilli()) < 60_000)
        .orElse(true));
  }

  private static Optional<SupervisorState> readState(Path state) throws IOException {
    try {
      return Optional.of(SupervisorState.parse(Files.readString(state.resolve("supervisor.json"))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
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
