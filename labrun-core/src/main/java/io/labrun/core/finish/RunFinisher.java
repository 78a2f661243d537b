package io.labrun.core.finish;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.Artifact;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.Folders;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.launch.Execution;
import io.labrun.core.run.LogRecord;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.supervisor.ExitRecord;
import io.labrun.core.supervisor.MetricsParser;
import io.labrun.core.supervisor.OutputLogParser;
import io.labrun.core.supervisor.StateFolder;
import io.labrun.core.supervisor.Uploads;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Records the end of a run: its {@code ./outputs} and the files it uploaded become artifacts, the
 * metrics it logged go into history, and its final status is set by compare-and-set. Safe to call
 * from several processes at once (the CLI that watched the run and the supervisor's detached
 * finalizer): a lock file in the run's state folder lets one do the work, the others find the run
 * already final.
 */
public final class RunFinisher {
  private static final Object[] IN_PROCESS = new Object[64];

  static {
    Arrays.setAll(IN_PROCESS, i -> new Object());
  }

  private static final int STDERR_TAIL_LINES = 5;
  private final RunStore store;
  private final ObjectStore objects;
  private final LabrunPaths paths;
  private final Clock clock;

  public RunFinisher(RunStore store, ObjectStore objects, LabrunPaths paths, Clock clock) {
    this.store = store;
    this.objects = objects;
    this.paths = paths;
    this.clock = clock;
  }

  public Run finish(String runId, Execution execution, ExitRecord exit) {
    // The file lock keeps processes apart; threads of one process (a server's queue and its cancel,
    // a resident labrun's commands) wait here first, as a second lock in one JVM would throw.
    synchronized (IN_PROCESS[Math.floorMod(runId.hashCode(), IN_PROCESS.length)]) {
      return finishLocked(runId, execution, exit);
    }
  }

  private Run finishLocked(String runId, Execution execution, ExitRecord exit) {
    Path stateDir = paths.runState(runId);
    try {
      Files.createDirectories(stateDir);
      try (FileChannel ch =
              FileChannel.open(
                  stateDir.resolve("finish.lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock lock = ch.lock()) {
        Run current =
            store
                .find(runId)
                .orElseThrow(
                    () -> LabrunException.notFound("run " + runId + " is not in the history"));
        if (current.status().isFinal() && current.status() != RunStatus.LOST) {
          return current;
        }
        return record(current, execution, exit, stateDir);
      }
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "cannot record the end of run " + runId + " in " + stateDir + ": " + e.getMessage(),
          e);
    }
  }

  private Run record(Run current, Execution execution, ExitRecord exit, Path stateDir) {
    RunStatus status = exit.status();
    String detail = exit.describe();
    if (!exit.lost()) {
      try {
        Execution.Collected collected = execution.collect(stateDir.resolve("collected"));
        ingestMetrics(current.id(), collected.metrics());
        store.addArtifacts(current.id(), storeArtifacts(collected));
      } catch (IOException | RuntimeException e) {
        // The script may have worked, but what it produced is not all kept: say so, loudly.
        status = RunStatus.FAILED;
        detail = detail + "; could not collect the run's outputs and metrics: " + e.getMessage();
      }
    }
    if (status == RunStatus.FAILED
        && exit.exitCode() != 0
        && !exit.timedOut()
        && exit.error() == null) {
      String tail = stderrTail(stateDir.resolve(StateFolder.OUTPUT_LOG));
      if (!tail.isEmpty()) {
        detail = detail + "; stderr: " + tail;
      }
    }
    if (exit.droppedOutputBytes() > 0) {
      detail =
          detail
              + "; "
              + exit.droppedOutputBytes()
              + " bytes of output were not stored (log limit)";
    }
    Instant ended = exit.ended() != null ? exit.ended() : clock.instant();
    // a run that started and ended at its target between two looks was never recorded Running
    if (!current.status().canMoveTo(status) && !current.status().canMoveTo(RunStatus.RUNNING)) {
      return current; // recorded Lost meanwhile, and this end cannot follow that
    }
    Run from =
        current.status().canMoveTo(status) ? current : current.withStatus(RunStatus.RUNNING, ended);
    Run done =
        withLatestAttributes(
            from.withExit(exit.lost() ? null : exit.exitCode(), detail).withStatus(status, ended),
            execution);
    if (!store.update(done, current.status())) {
      return store.find(current.id()).orElse(done);
    }
    try {
      execution.cleanUp();
    } catch (IOException ignored) {
      // the working folder stays behind; 'labrun experiment clean' removes it
    }
    return done;
  }

  /** Facts the target learned while the run went on (a Spark application id) are kept with it. */
  private static Run withLatestAttributes(Run run, Execution execution) {
    try {
      for (Map.Entry<String, String> a : execution.attributes().entrySet()) {
        if (!a.getValue().equals(run.attributes().get(a.getKey()))) {
          run = run.withAttribute(a.getKey(), a.getValue());
        }
      }
    } catch (RuntimeException e) {
      // the target cannot say now; what was recorded at the start stays
    }
    return run;
  }

  private void ingestMetrics(String runId, Path metricsDir) throws IOException {
    if (!Files.isDirectory(metricsDir)) {
      return;
    }
    MetricsParser.Batch parsed = MetricsParser.read(metricsDir);
    List<MetricPoint> points = parsed.points();
    if (!points.isEmpty()) {
      store.appendMetrics(runId, points);
    }
    if (!parsed.params().isEmpty()) {
      store.putParams(runId, parsed.params());
    }
    if (!parsed.tags().isEmpty()) {
      store.putTags(runId, parsed.tags());
    }
  }

  /**
   * The run's {@code ./outputs} (as {@code outputs/...}) and the files it uploaded (under their
   * names; an upload wins over an output file of the same name), each stored by content.
   */
  private List<Artifact> storeArtifacts(Execution.Collected collected) throws IOException {
    Map<String, Path> files = new TreeMap<>();
    Folders.files(collected.outputs())
        .forEach((path, file) -> files.put(StateFolder.OUTPUTS + "/" + path, file));
    files.putAll(Uploads.read(collected.metrics()));
    List<Artifact> artifacts = new ArrayList<>();
    for (Map.Entry<String, Path> f : files.entrySet()) {
      artifacts.add(new Artifact(f.getKey(), Files.size(f.getValue()), objects.put(f.getValue())));
    }
    return artifacts;
  }

  /** The last few stderr lines of a stored log, joined with " | ", for the status detail. */
  static String stderrTail(Path log) {
    if (!Files.isRegularFile(log)) {
      return "";
    }
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long size = f.length();
      long start = Math.max(0, size - 64 * 1024);
      byte[] buf = new byte[(int) (size - start)];
      f.seek(start);
      f.readFully(buf);
      int from = 0;
      if (start > 0) {
        while (from < buf.length && buf[from] != '\n') {
          from++;
        }
        from++;
      }
      byte[] whole = Arrays.copyOfRange(buf, Math.min(from, buf.length), buf.length);
      Deque<String> lines = new ArrayDeque<>();
      for (LogRecord r : OutputLogParser.parse(whole, start + from)) {
        if (r.stream() == LogRecord.Stream.STDERR && !r.text().isBlank()) {
          lines.addLast(r.text().strip());
          if (lines.size() > STDERR_TAIL_LINES) {
            lines.removeFirst();
          }
        }
      }
      return String.join(" | ", lines);
    } catch (IOException e) {
      return "";
    }
  }
}
