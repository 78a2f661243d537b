package io.labrun.cli.daemon;

import io.labrun.core.launch.KeptWarm;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the resident labrun process keeps between the commands it serves, and what a command may ask
 * of it ({@code labrun daemon status|stop}). Only what is safe to share across commands of
 * different environments is kept here: what target modules ask to keep warm ({@code
 * TargetContext.keptWarm}), such as the local target's supervisor zygotes, one per environment. The
 * JVM itself, its loaded classes and compiled code are the rest of the gain.
 */
public final class Resident implements KeptWarm, AutoCloseable {
  private final Map<Class<?>, AutoCloseable> kept = new LinkedHashMap<>();
  private final Daemon daemon;

  Resident(Daemon daemon) {
    this.daemon = daemon;
  }

  /** The one {@code kind} of this process, made on first use and closed when it stops. */
  @Override
  public synchronized <T extends AutoCloseable> T keep(Class<T> kind, Supplier<T> make) {
    return kind.cast(kept.computeIfAbsent(kind, k -> make.get()));
  }

  public Path socket() {
    return daemon.socket();
  }

  public Path log() {
    return daemon.log();
  }

  public Instant started() {
    return daemon.started();
  }

  public Duration idleTimeout() {
    return daemon.idleTimeout();
  }

  /** Commands running now, this one included. */
  public int active() {
    return daemon.active();
  }

  /** Ends the resident process once the current command has answered. */
  public void stopAfterThisCommand() {
    daemon.stopSoon();
  }

  @Override
  public void close() {
    List<AutoCloseable> all;
    synchronized (this) {
      all = new ArrayList<>(kept.values());
      kept.clear();
    }
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception e) {
        // the process is stopping: what is kept warm holds nothing a run needs
      }
    }
  }

  /**
   * Thrown by {@code CliContext.requireOwnProcess}: the client runs the command in a JVM of its
   * own.
   */
  public static final class HandBack extends RuntimeException {
    public HandBack() {
      super("run in a labrun process of its own", null, false, false);
    }
  }
}
