package io.labrun.core.supervisor;

import io.labrun.core.json.Json;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads a supervisor's state folder on this machine (a local run's, or a container's mounted one):
 * whole output records from an offset, the exit record, the supervisor's pids.
 */
public final class StateFolder {
  /** What the target writes before the supervisor starts: the command, folder and environment. */
  public static final String LAUNCH = "launch.json";

  /** The supervisor's pids, once the script has started. */
  public static final String SUPERVISOR = "supervisor.json";

  /** The supervisor's own stdout and stderr (not the script's). */
  public static final String SUPERVISOR_LOG = "supervisor.log";

  /** The script's output records. */
  public static final String OUTPUT_LOG = "output.log";

  /** How the script ended, written last. */
  public static final String EXIT = "exit.json";

  /** The folder the logging libraries write metric records into. */
  public static final String METRICS = "metrics";

  /** The folder of {@link #METRICS} where files the script uploaded by name are kept. */
  public static final String UPLOADS = "uploads";

  /** The folder of the run's working folder that is collected as its outputs. */
  public static final String OUTPUTS = "outputs";

  private StateFolder() {}

  /** At most {@code max} bytes of whole records of {@code output.log} from {@code offset}. */
  public static byte[] readOutput(Path state, long offset, int max) throws IOException {
    Path log = state.resolve(OUTPUT_LOG);
    if (log.toFile().length() <= offset) {
      return new byte[0]; // nothing new (or no log yet): the usual answer while a run is followed
    }
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
    } catch (FileNotFoundException e) {
      return new byte[0];
    }
  }

  public static Optional<ExitRecord> readExit(Path state) throws IOException {
    return read(state.resolve(EXIT)).map(ExitRecords::parse);
  }

  /**
   * True when the exit record says the script's working folder had no {@code ./outputs}, or an
   * empty one, when it ended (supervisors that predate the field say nothing: false), so there is
   * nothing to copy out.
   */
  public static boolean reportsNoOutputs(Path state) throws IOException {
    return read(state.resolve(EXIT))
        .map(text -> Boolean.FALSE.equals(Json.parseObject(text).get("outputs")))
        .orElse(false);
  }

  public static Optional<SupervisorState> readState(Path state) throws IOException {
    return read(state.resolve(SUPERVISOR)).map(SupervisorState::parse);
  }

  /** True once the supervisor has written {@code name} (its records appear whole, by rename). */
  public static boolean has(Path state, String name) {
    return state.resolve(name).toFile().exists(); // java.io: no exception when it is not there yet
  }

  /**
   * A record the supervisor writes whole, once; empty while it is not there. Runs are waited for by
   * asking many times, so "not there yet" is told without an exception.
   */
  private static Optional<String> read(Path file) throws IOException {
    if (!file.toFile().exists()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(file));
    } catch (NoSuchFileException e) {
      return Optional.empty(); // its run folder was removed meanwhile
    }
  }
}
