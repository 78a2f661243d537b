package io.labrun.core.supervisor;

import io.labrun.core.execution.ExitRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads a supervisor's state folder on this machine (a local run's, or a container's mounted
 * one): whole output records from an offset, the exit record, the supervisor's pids.
 */
public final class StateFolder {
  private StateFolder() {}

  /** At most {@code max} bytes of whole records of {@code output.log} from {@code offset}. */
  public static byte[] readOutput(Path state, long offset, int max) throws IOException {
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
      return end == buf.length ? buf : Arrays.copyOf(buf, end);
    } catch (java.io.FileNotFoundException e) {
      return new byte[0];
    }
  }

  public static Optional<ExitRecord> readExit(Path state) throws IOException {
    try {
      return Optional.of(ExitRecords.parse(Files.readString(state.resolve("exit.json"))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  public static Optional<SupervisorState> readState(Path state) throws IOException {
    try {
      return Optional.of(SupervisorState.parse(Files.readString(state.resolve("supervisor.json"))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
