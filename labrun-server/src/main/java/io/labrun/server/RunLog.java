package io.labrun.server;

import io.labrun.core.history.ObjectStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.run.LogRecord;
import io.labrun.core.run.Run;
import io.labrun.core.supervisor.OutputLogParser;
import io.labrun.core.supervisor.StateFolder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A run's stored output, {@code STATE/output.log} in the server's data folder: records only ever
 * appended, whole (see the supervisor protocol). Read from a byte offset, so a reader resumes
 * exactly after the last record it has. Once the run ended it is also kept with the objects ({@link
 * io.labrun.core.finish.KeptOutput}), where a server on a wiped disk finds it again ({@link #of}).
 */
final class RunLog {
  private final Path file;

  RunLog(LabrunPaths paths, String runId) {
    this.file = paths.runState(runId).resolve(StateFolder.OUTPUT_LOG);
  }

  /**
   * The log of {@code run}, brought back from the objects first when this server's disk lacks it (a
   * new server on a wiped disk, the history and objects kept elsewhere) and it was kept ({@link
   * io.labrun.core.finish.KeptOutput}).
   */
  static RunLog of(LabrunPaths paths, ObjectStore objects, Run run) {
    RunLog log = new RunLog(paths, run.id());
    String kept = run.attributes().get(Run.OUTPUT_LOG);
    if (kept != null && !Files.exists(log.file)) {
      try {
        objects.copyTo(kept, log.file);
      } catch (IOException e) {
        // shown empty, as a run whose output is gone; the next reader tries again
      }
    }
    return log;
  }

  long size() {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * The whole records from {@code offset}, at most {@code max} bytes of them (at least one record).
   */
  List<LogRecord> read(long offset, int max) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (offset >= size) {
        return List.of();
      }
      int want = (int) Math.min(max, size - offset);
      ByteBuffer buf = ByteBuffer.allocate(want);
      while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
        // read until full or the end
      }
      byte[] bytes = buf.array();
      int whole = OutputLogParser.completeLength(bytes, buf.position());
      if (whole == 0 && buf.position() == max) {
        // One record longer than max: read until its end so a reader never gets stuck before it.
        return read(offset, max * 2);
      }
      return OutputLogParser.parse(bytes, 0, whole, offset);
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  /**
   * Where the record that holds byte {@code size - tail} starts: the start of a tail of the log.
   */
  long tailStart(long tail) throws IOException {
    long size = size();
    if (size <= tail) {
      return 0;
    }
    long from = size - tail;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer one = ByteBuffer.allocate(8192);
      long pos = from - 1; // the byte before: a newline there means a record starts at `from`
      while (pos < size) {
        one.clear();
        int n = ch.read(one, pos);
        if (n <= 0) {
          return size;
        }
        for (int i = 0; i < n; i++) {
          if (one.get(i) == '\n') {
            return pos + i + 1;
          }
        }
        pos += n;
      }
      return size;
    }
  }
}
