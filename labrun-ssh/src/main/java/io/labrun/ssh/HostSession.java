package io.labrun.ssh;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The one connection a labrun command keeps to a host, opened on first use and shared by every run
 * it touches there. It is borrowed from {@link SshConnectionPool#shared()} and given back at the
 * end of the command, so a long-lived process reuses it for the next command. When an established
 * connection breaks (the network dropped, the host's sshd restarted), the action is tried again
 * over a new one a few times: a run's output is read by byte offset, so a retried read neither
 * loses nor repeats a line.
 */
public final class HostSession implements AutoCloseable {
  private static final long[] BACKOFF_MS = {0, 500, 1500, 3000};
  private static final long FAIL_FAST_NANOS = 30_000_000_000L;
  private final SshSettings settings;
  private final String python;
  private final Supplier<Map<String, byte[]>> pythonFiles;
  private final ReentrantLock lock =
      new ReentrantLock(); // held while connecting or using the connection
  private volatile boolean closed;
  private Thread prefetch;
  private SshConnection connection;
  private HostCache cache;
  private String lib;
  private LabrunException lastFailure;
  private long lastFailureAt;

  HostSession(SshSettings settings, String python, Supplier<Map<String, byte[]>> pythonFiles) {
    this.settings = settings;
    this.python = python;
    this.pythonFiles = pythonFiles;
  }

  /** Something to do over the connection. */
  public interface Action<T> {
    T run(SshConnection ssh, HostCache cache, String lib) throws IOException;
  }

  /**
   * Starts connecting in the background (host key, login, labrun's files), so that the connection
   * is ready, or nearly, by the time the run needs it: a submit snapshots the project meanwhile. A
   * failure is reported by the first use.
   */
  public void prefetch() {
    Thread t;
    synchronized (this) {
      if (prefetch != null) {
        return;
      }
      t = new Thread(this::connectInBackground, "labrun-ssh-connect");
      prefetch = t;
    }
    t.setDaemon(true);
    t.start();
  }

  private void connectInBackground() {
    lock.lock();
    try {
      if (!closed) {
        ensureOpen(true);
      }
    } catch (IOException | RuntimeException e) {
      // the first use connects again or reports it (a LabrunException is kept: see ensureOpen)
    } finally {
      if (closed) {
        giveBack();
      }
      lock.unlock();
    }
  }

  /**
   * Runs {@code action}, reconnecting when the connection breaks. A host that cannot be reached at
   * first is a {@link LabrunException}; one lost for good mid-way is an {@link IOException}.
   */
  public <T> T call(Action<T> action) throws IOException {
    lock.lock();
    try {
      return callLocked(action);
    } finally {
      lock.unlock();
    }
  }

  private <T> T callLocked(Action<T> action) throws IOException {
    IOException last = null;
    boolean everConnected = connection != null;
    for (long pause : BACKOFF_MS) {
      if (last != null) {
        sleep(pause);
      }
      try {
        ensureOpen(last == null); // a retry really tries again
      } catch (IOException e) {
        last = e;
        drop();
        continue;
      } catch (LabrunException e) {
        if (!everConnected) {
          throw e;
        }
        last = new IOException(e.getMessage(), e);
        continue;
      }
      everConnected = true;
      try {
        return action.run(
            connection, cache, lib); // a LabrunException from the action is its answer: not retried
      } catch (HostCache.HelperFailed e) {
        throw e; // the host answered: trying again would not help
      } catch (IOException e) {
        SshTrace.done("connection dropped: " + e.getMessage(), SshTrace.start());
        last = e;
        drop();
      }
    }
    throw last;
  }

  /**
   * Connects (checking the host key, logging in) if not connected yet, for commands: the host's
   * runner is started and labrun's files there made sure of; fails as a LabrunException.
   */
  public SshConnection open() {
    lock.lock();
    try {
      ensureOpen(true);
      connection.startRunner();
      return connection;
    } catch (IOException e) {
      drop();
      throw new LabrunException(
          ExitCode.TARGET_UNAVAILABLE,
          "cannot set up labrun's files on " + settings.where() + ": " + e.getMessage(),
          e);
    } finally {
      lock.unlock();
    }
  }

  private void ensureOpen(boolean failFast) throws IOException {
    if (connection != null && connection.isOpen()) {
      return;
    }
    drop();
    if (failFast && lastFailure != null && System.nanoTime() - lastFailureAt < FAIL_FAST_NANOS) {
      throw lastFailure; // e.g. history list over many runs on a host that is down: one timeout,
      // not one per run
    }
    try {
      connection = SshConnectionPool.shared().acquire(settings);
      lastFailure = null;
    } catch (LabrunException e) {
      lastFailure = e;
      lastFailureAt = System.nanoTime();
      throw e;
    }
    connection.useRunner(
        python); // the host's login shell starts once for the connection, not once per command
    cache = new HostCache(connection, python);
    lib = cache.lib(pythonFiles.get());
  }

  /** Closes a connection that failed (it is not given back for reuse). */
  private void drop() {
    if (connection != null) {
      SshConnectionPool.shared().discard(connection);
    }
    connection = null;
    cache = null;
  }

  private void giveBack() {
    if (connection != null) {
      SshConnectionPool.shared().release(connection);
    }
    connection = null;
    cache = null;
  }

  public SshSettings settings() {
    return settings;
  }

  /**
   * Closes the connection, after a background connect still going has ended (nothing of this
   * session outlives it; that wait is bounded by the connect and login timeouts).
   */
  @Override
  public void close() {
    closed = true;
    Thread t;
    synchronized (this) {
      t = prefetch;
    }
    if (t != null) {
      try {
        t.join(settings.connectTimeout().plus(settings.authTimeout()).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (lock.tryLock()) {
      try {
        giveBack();
      } finally {
        lock.unlock();
      }
    }
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reconnecting");
    }
  }

  /** A connection lost or never made, as the targets that reach a host over SSH report it. */
  public static LabrunException unreachable(IOException e) {
    if (e.getCause() instanceof LabrunException le) {
      return le;
    }
    return new LabrunException(
        ExitCode.TARGET_UNAVAILABLE, "lost the connection to the host: " + e.getMessage(), e);
  }
}
