package io.labrun.cli.daemon;

import io.labrun.compute.local.Supervisors;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * What the resident labrun process keeps between the commands it serves, and what a command may
 * ask of it ({@code labrun daemon status|stop}). Only what is safe to share across commands of
 * different environments is kept here: the local target's supervisor zygotes, one per environment
 * (see {@link Supervisors}). The JVM itself, its loaded classes and compiled code are the rest of
 * the gain.
 */
public final class Resident implements AutoCloseable {
  private final Supervisors supervisors = new Supervisors();
  private final Daemon daemon;

  Resident(Daemon daemon) {
    this.daemon = daemon;
  }

  public Supervisors supervisors() {
    return supervisors;
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
    supervisors.close();
  }

  /** Thrown by {@code CliContext.requireOwnProcess}: the client runs the command in a JVM of its own. */
  public static final class HandBack extends RuntimeException {
    public HandBack() {
      super("run in a labrun process of its own", null, false, false);
    }
  }
}
