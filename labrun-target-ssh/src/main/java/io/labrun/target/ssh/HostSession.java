package io.labrun.target.ssh;

import io.labrun.core.error.LabrunException;
import io.labrun.ssh.HostCache;
import io.labrun.ssh.SshConnection;
import io.labrun.ssh.SshSettings;
import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The one connection a labrun command keeps to a host, opened on first use and shared by every
 * run it touches there. When an established connection breaks (the network dropped, the host's
 * sshd restarted), the action is tried again over a new one a few times: a run's output is read
 * by byte offset, so a retried read neither loses nor repeats a line.
 */
final class HostSession implements AutoCloseable {
  private static final long[] BACKOFF_MS = {0, 500, 1500, 3000};
  private final SshSettings settings;
  private final String python;
  private final Supplier<Map<String, byte[]>> pythonFiles;
  private static final long FAIL_FAST_NANOS = 30_000_000_000L;
  private SshConnection connection;
  private LabrunException lastFailure;
  private long lastFailureAt;
  private HostCache cache;
  private String lib;

  HostSession(SshSettings settings, String python, Supplier<Map<String, byte[]>> pythonFiles) {
    this.settings = settings;
    this.python = python;
    this.pythonFiles = pythonFiles;
  }

  /** Something to do over the connection. */
  interface Action<T> {
    T run(SshConnection ssh, HostCache cache, String lib) throws IOException;
  }

  /**
   * Runs {@code action}, reconnecting when the connection breaks. A host that cannot be reached
   * at first is a {@link LabrunException}; one lost for good mid-way is an {@link IOException}.
   */
  synchronized <T> T call(Action<T> action) throws IOException {
    IOException last = null;
    boolean everConnected = connection != null;
    for (long pause : BACKOFF_MS) {
      if (last != null) {
        sleep(pause);
      }
      try {
        ensureOpen(last == null); // a retry really tries again
        everConnected = true;
        return action.run(connection, cache, lib);
      } catch (HostCache.HelperFailed e) {
        throw e; // the host answered: trying again would not help
      } catch (IOException e) {
        last = e;
        drop();
      } catch (LabrunException e) {
        if (!everConnected) {
          throw e;
        }
        last = new IOException(e.getMessage(), e);
      }
    }
    throw last;
  }

  /** Connects (checking the host key, logging in) if not connected yet; fails as a LabrunException. */
  synchronized SshConnection open() {
    try {
      ensureOpen(true);
    } catch (IOException e) {
      drop();
      throw new LabrunException(io.labrun.core.error.ExitCode.TARGET_UNAVAILABLE, "cannot set up labrun's files on " + settings.where()
          + ": " + e.getMessage(), e);
    }
    return connection;
  }

  private void ensureOpen(boolean failFast) throws IOException {
    if (connection != null && connection.isOpen()) {
      return;
    }
    drop();
    if (failFast && lastFailure != null && System.nanoTime() - lastFailureAt < FAIL_FAST_NANOS) {
      throw lastFailure; // e.g. history list over many runs on a host that is down: one timeout, not one per run
    }
    try {
      connection = SshConnection.open(settings);
      lastFailure = null;
    } catch (LabrunException e) {
      lastFailure = e;
      lastFailureAt = System.nanoTime();
      throw e;
    }
    cache = new HostCache(connection, python);
    lib = cache.lib(pythonFiles.get());
  }

  private void drop() {
    if (connection != null) {
      connection.close();
    }
    connection = null;
    cache = null;
  }

  SshSettings settings() {
    return settings;
  }

  /** The connection, if one is open now (tests cut it). */
  synchronized SshConnection current() {
    return connection;
  }

  @Override
  public synchronized void close() {
    drop();
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while reconnecting");
    }
  }
}
