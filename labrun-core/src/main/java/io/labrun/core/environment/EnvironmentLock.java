package io.labrun.core.environment;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.run.RunEvents;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One builder per environment: a lock file per environment id in labrun's data folder, held while
 * the environment is looked up and built, so two runs that need the same missing environment build
 * it once and the second finds it built. Works across processes (an OS file lock) and across
 * threads of one process (a lock per id, since a JVM may hold a file lock only once).
 */
public final class EnvironmentLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS =
      new ConcurrentHashMap<>();
  private final ReentrantLock threadLock;
  private final FileChannel channel;
  private final FileLock fileLock;

  private EnvironmentLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
    this.threadLock = threadLock;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  /** Takes the lock of environment {@code id}, saying so on {@code events} when it has to wait. */
  public static EnvironmentLock acquire(Path lockDir, String id, RunEvents events) {
    Path file = lockDir.resolve(id + ".lock");
    ReentrantLock mine =
        IN_PROCESS.computeIfAbsent(file.toAbsolutePath(), f -> new ReentrantLock());
    if (mine.isHeldByCurrentThread()) {
      throw new IllegalStateException("environment lock " + id + " taken twice by one thread");
    }
    boolean waited = false;
    if (!mine.tryLock()) {
      events.progress("waiting for another build of environment " + id + " to finish");
      waited = true;
      mine.lock();
    }
    FileChannel ch = null;
    try {
      Files.createDirectories(lockDir);
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = ch.tryLock();
      if (lock == null) {
        if (!waited) {
          events.progress("waiting for another labrun that is building environment " + id);
        }
        lock = ch.lock();
      }
      return new EnvironmentLock(mine, ch, lock);
    } catch (IOException | RuntimeException e) {
      mine.unlock();
      closeQuietly(ch);
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new LabrunException(
          ExitCode.STORE,
          "cannot lock " + file + " to build environment " + id + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    try {
      fileLock.release();
    } catch (IOException ignored) {
      // closing the channel below releases it too
    } finally {
      closeQuietly(channel);
      threadLock.unlock();
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
  }
}
