package io.labrun.core.sweep;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The folder {@code DATA/sweeps/} of this machine's data folder. What a process on this machine
 * keeps for itself: {@code ID.lock}, held by the one process driving the sweep here, and {@code
 * ID.log}, the output of a labrun process a sweep was handed over to ({@code SweepHandover}); both
 * are of local processes, and losing them loses nothing of the history. {@code ID.json} (the sweep
 * as it started) and {@code ID.canceled} (present once someone canceled it) are what labrun kept
 * here before sweeps were recorded in the run store; they are still read (and imported, {@link
 * SweepHistory}), and still written beside an embedded history, whose runs are kept in files too.
 */
public final class SweepFiles implements SweepRecords {
  private final Path dir;

  public SweepFiles(Path dir) {
    this.dir = dir;
  }

  @Override
  public void write(Sweep sweep) {
    Path file = dir.resolve(sweep.id() + ".json");
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, sweep.id(), ".tmp");
      Files.writeString(tmp, sweep.toJson());
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE, "cannot write the sweep file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The sweep, or empty when it was not started on this machine. */
  @Override
  public Optional<Sweep> read(String id) {
    Path file = dir.resolve(id + ".json");
    try {
      return Optional.of(Sweep.fromJson(Files.readString(file)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      throw new LabrunException(
          ExitCode.STORE, "cannot read the sweep file " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void markCanceled(String id) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(id + ".canceled"), "");
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "cannot mark sweep " + id + " canceled in " + dir + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public boolean canceled(String id) {
    return Files.exists(dir.resolve(id + ".canceled"));
  }

  /** Where the labrun process a sweep was handed over to writes its output. */
  public Path log(String id) {
    return dir.resolve(id + ".log");
  }

  /**
   * Takes the driver's lock, waiting for a process that still holds it. It is a lock on a file of
   * this machine ({@link FileChannel#lock}): it keeps two labrun processes of this machine from
   * driving one sweep at once, not processes of two machines on one team history.
   */
  public Lock lock(String id) {
    try {
      Files.createDirectories(dir);
      FileChannel ch =
          FileChannel.open(
              dir.resolve(id + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        return new Lock(ch, ch.lock());
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE, "cannot lock sweep " + id + " in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The lock of the process driving a sweep. */
  public record Lock(FileChannel channel, FileLock lock) implements AutoCloseable {
    @Override
    public void close() {
      try {
        lock.release();
        channel.close();
      } catch (IOException ignored) {
        // closing the channel releases the lock anyway
      }
    }
  }
}
