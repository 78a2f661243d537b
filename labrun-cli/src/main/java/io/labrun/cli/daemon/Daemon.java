package io.labrun.cli.daemon;

import io.labrun.core.config.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The resident labrun process: one per user and per labrun build, serving the commands that
 * python/labrun_client.py (run by bin/labrun) hands it over a Unix domain socket, so that a command
 * costs a socket round trip instead of a JVM start. Its socket lives in a folder only its user may
 * enter ({@code $XDG_RUNTIME_DIR/labrun} or {@code /tmp/labrun-UID}, mode 0700; a folder owned by
 * someone else or open to others is refused); the socket's name carries the build's id, so a
 * rebuilt labrun never talks to an old process. It ends after {@code LABRUN_DAEMON_IDLE_TIMEOUT}
 * (default 3h) without a command, or on {@code labrun daemon stop}.
 *
 * <p>Usage (by the client): {@code java -cp labrun.jar io.labrun.cli.daemon.Daemon SOCKET}.
 */
public final class Daemon {
  private static final Duration DEFAULT_IDLE = Duration.ofHours(3);

  /** The longest the process waits for {@code daemon stop} to have written its answer. */
  private static final Duration STOP_ANSWER_WAIT = Duration.ofSeconds(10);

  private static final PrintStream LOG = System.err;
  private final Path socket;
  private final Duration idleTimeout;
  private final Instant started = Instant.now();
  private final AtomicInteger active = new AtomicInteger();
  private volatile long lastActivity = System.nanoTime();
  private volatile boolean stopping;
  private ServerSocketChannel server;
  private volatile Object socketKey;
  private volatile Thread stopRequester;

  Daemon(Path socket, Duration idleTimeout) {
    this.socket = socket;
    this.idleTimeout = idleTimeout;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: java -cp labrun.jar io.labrun.cli.daemon.Daemon SOCKET");
      System.exit(2);
    }
    Path socket = Path.of(args[0]).toAbsolutePath();
    String idle = System.getenv("LABRUN_DAEMON_IDLE_TIMEOUT");
    Duration timeout =
        idle == null || idle.isBlank()
            ? DEFAULT_IDLE
            : Durations.require(idle, "LABRUN_DAEMON_IDLE_TIMEOUT");
    // Nothing a command prints may reach this process's own streams by mistake unseen: they are the
    // log.
    System.setIn(InputStream.nullInputStream());
    System.setOut(LOG);
    new Daemon(socket, timeout).serve();
    System.exit(0);
  }

  static void log(String message) {
    LOG.println(Instant.now() + " " + message);
    LOG.flush();
  }

  /** Refuses a socket folder that is not this user's alone. */
  static void checkFolder(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a folder");
    }
    String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
    if (!owner.equals(System.getProperty("user.name"))) {
      throw new IOException(
          dir + " belongs to " + owner + ", not to " + System.getProperty("user.name"));
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
    if (!perms.equals(PosixFilePermissions.fromString("rwx------"))) {
      throw new IOException(
          dir
              + " is open to others ("
              + PosixFilePermissions.toString(perms)
              + "); it must be 0700");
    }
  }

  void serve() throws IOException {
    checkFolder(socket.getParent());
    Files.deleteIfExists(socket); // the client found nobody behind it, under its start lock
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    socketKey =
        Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            .fileKey();
    Resident resident = new Resident(this);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> removeSocket(), "labrun-daemon-socket"));
    log(
        "labrun daemon "
            + ProcessHandle.current().pid()
            + " listening on "
            + socket
            + " (idle timeout "
            + Durations.format(idleTimeout)
            + ")");
    Thread idle = new Thread(this::watchIdle, "labrun-daemon-idle");
    idle.setDaemon(true);
    idle.start();
    try (resident) {
      while (!stopping) {
        SocketChannel client;
        try {
          client = server.accept();
        } catch (IOException e) {
          if (stopping) {
            break;
          }
          throw e;
        }
        active.incrementAndGet();
        lastActivity = System.nanoTime();
        Thread t =
            new Thread(
                () -> {
                  try {
                    new Invocation(client, resident).serve();
                  } finally {
                    lastActivity = System.nanoTime();
                    active.decrementAndGet();
                  }
                },
                "labrun-command");
        t.setDaemon(true);
        t.start();
      }
    } finally {
      removeSocket();
      awaitStopAnswer();
      log("labrun daemon " + ProcessHandle.current().pid() + " stopped");
    }
  }

  /** Lets the {@code daemon stop} command finish its answer before the process ends. */
  private void awaitStopAnswer() {
    Thread asker = stopRequester;
    if (asker != null && asker != Thread.currentThread()) {
      try {
        asker.join(STOP_ANSWER_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void watchIdle() {
    long check = Math.max(200, Math.min(30_000, idleTimeout.toMillis() / 4));
    while (!stopping) {
      try {
        Thread.sleep(check);
      } catch (InterruptedException e) {
        return;
      }
      if (active.get() == 0 && System.nanoTime() - lastActivity > idleTimeout.toNanos()) {
        log("idle for " + Durations.format(idleTimeout) + ": stopping");
        stopNow();
      }
      if (!Files.exists(socket)) {
        log("the socket " + socket + " was removed: stopping");
        stopNow();
      }
    }
  }

  /**
   * Stops at once taking commands: the socket is removed and closed before the asking command
   * answers, so the next command (started after this one's answer) finds no daemon and starts a new
   * one instead of being served by this stopping one. The process ends once the asking command has
   * answered; other commands still running end with it.
   */
  void stopSoon() {
    stopRequester = Thread.currentThread();
    stopNow();
  }

  private void stopNow() {
    stopping = true;
    removeSocket();
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /**
   * Removes the socket if it is still this process's (a new daemon may have taken the name since).
   */
  private void removeSocket() {
    try {
      Object key =
          Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey();
      if (key != null && key.equals(socketKey)) {
        Files.deleteIfExists(socket);
      }
    } catch (IOException ignored) {
      // gone already
    }
  }

  Path socket() {
    return socket;
  }

  Path log() {
    return socket.resolveSibling(
        socket.getFileName().toString().replaceFirst("\\.sock$", "") + ".log");
  }

  Instant started() {
    return started;
  }

  Duration idleTimeout() {
    return idleTimeout;
  }

  int active() {
    return active.get();
  }
}
