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
 * Where sweeps are kept on this machine ({@code DATA/sweeps/}): {@code ID.json}, the sweep as it
 * started; {@code ID.lock}, held by the one process driving it; {@code ID.canceled}, present once
 * someone canceled it, so that no driver starts or retries another of its runs.
 */
public final class SweepFiles {
  private final Path dir;

  public SweepFiles(Path dir) {
    this.dir = dir;
  }

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

  public boolean canceled(String id) {
    return Files.exists(dir.resolve(id + ".canceled"));
  }

  /** Takes the driver's lock, waiting for a process that still holds it. */
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
