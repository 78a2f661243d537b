package io.labrun.compute.cluster;

import io.labrun.core.supervisor.StateFolder;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A Spark run's state folder as labrun reads what Spark adds to it ({@code spark.json}, the end of
 * {@code output.log}): on this machine, or on the head node until the run has been collected.
 */
interface RunFolder {
  /** The end of a file: its last bytes, and whether it was longer. */
  record Tail(byte[] bytes, boolean cut) {}

  /** A whole (small) file, empty when it does not exist. */
  Optional<byte[]> read(String name) throws IOException;

  /** The last {@code max} bytes of a file (none when it does not exist). */
  Tail tail(String name, int max) throws IOException;

  /**
   * Copies a file of the run to the local state folder once the run is over (nothing to do here).
   */
  default void keep(String name) throws IOException {}

  /** The state folder on this machine. */
  static RunFolder local(Path dir) {
    return new RunFolder() {
      @Override
      public Optional<byte[]> read(String name) throws IOException {
        try {
          return Optional.of(Files.readAllBytes(dir.resolve(name)));
        } catch (NoSuchFileException e) {
          return Optional.empty();
        }
      }

      @Override
      public Tail tail(String name, int max) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(name).toFile(), "r")) {
          long start = Math.max(0, f.length() - max);
          byte[] buf = new byte[(int) (f.length() - start)];
          f.seek(start);
          f.readFully(buf);
          return new Tail(buf, start > 0);
        } catch (FileNotFoundException e) {
          return new Tail(new byte[0], false);
        }
      }
    };
  }

  /**
   * True once the run's results are in the local state folder (its exit record is written there
   * last).
   */
  static boolean collected(Path stateDir) {
    return Files.isRegularFile(stateDir.resolve(StateFolder.EXIT));
  }
}
