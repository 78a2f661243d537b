package io.labrun.ssh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Logged-in connections kept open between the labrun commands one long-lived process (the CLI
 * daemon, the server) serves, so that a later submit to the same host skips the key exchange and
 * the login. A connection is lent to one user at a time (one connection per submit still holds:
 * reusing one counts), and is reused only
 *
 * <ul>
 *   <li>for the same host, port, user and credentials (a password is compared by a keyed hash made
 *       in memory, a key file by its path and its file's identity and time),
 *   <li>when its host key passes the borrower's host key check again (a key removed from known
 *       hosts, or a different pinned fingerprint, means a new connection, checked as usual),
 *   <li>after the host answered a keep-alive request: a dead connection is closed and replaced
 *       without the borrower noticing.
 * </ul>
 *
 * An idle connection is closed after {@link #idleTimeout()} ({@code LABRUN_SSH_IDLE_SECONDS} or the
 * system property {@code labrun.ssh.idleSeconds}, default 60; 0 keeps none), and every one when the
 * JVM exits.
 */
public final class SshConnectionPool {
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(5);
  private static final SshConnectionPool SHARED = new SshConnectionPool(defaultIdle());

  private final Map<String, Deque<Idle>> idle = new HashMap<>();
  private final Map<SshConnection, String> lent = new IdentityHashMap<>();
  private final AtomicLong opened = new AtomicLong();
  private final byte[] hashKey = new byte[32];
  private volatile Duration idleTimeout;
  private ScheduledExecutorService reaper;
  private boolean shutdown;

  private record Idle(SshConnection connection, long since) {}

  SshConnectionPool(Duration idleTimeout) {
    this.idleTimeout = idleTimeout;
    new SecureRandom().nextBytes(hashKey);
  }

  /** The pool of this JVM, closed when it exits. */
  public static SshConnectionPool shared() {
    return SHARED;
  }

  private static Duration defaultIdle() {
    String v = System.getenv("LABRUN_SSH_IDLE_SECONDS");
    if (v == null || v.isBlank()) {
      v = System.getProperty("labrun.ssh.idleSeconds", "60");
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(v.strip())));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(60);
    }
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** How long an unused connection stays open; zero closes each one as soon as it is given back. */
  public void idleTimeout(Duration d) {
    idleTimeout = d;
    if (d.isZero()) {
      closeIdle();
    }
  }

  /** How many connections this pool has opened (reused ones are counted once). */
  public long opened() {
    return opened.get();
  }

  /**
   * A logged-in connection for {@code settings}: a kept one that passes the checks above, else a
   * new one ({@link SshConnection#open}, with its errors). Give it back with {@link #release}.
   */
  public SshConnection acquire(SshSettings settings) {
    String key = key(settings);
    for (SshConnection c = takeIdle(key); c != null; c = takeIdle(key)) {
      long t = SshTrace.start();
      if (c.trustedFor(settings) && c.answers(HEALTH_TIMEOUT)) {
        SshTrace.done("kept connection checked, reused", t);
        return lend(c, key);
      }
      c.close();
    }
    SshConnection c = SshConnection.open(settings);
    opened.incrementAndGet();
    return lend(c, key);
  }

  private synchronized SshConnection lend(SshConnection c, String key) {
    lent.put(c, key);
    return c;
  }

  private synchronized SshConnection takeIdle(String key) {
    Deque<Idle> q = idle.get(key);
    Idle i = q == null ? null : q.pollLast(); // the most recently used: the likeliest to be alive
    if (q != null && q.isEmpty()) {
      idle.remove(key);
    }
    return i == null ? null : i.connection();
  }

  /** Gives back a connection from {@link #acquire}: kept for reuse while it is open and wanted. */
  public void release(SshConnection c) {
    boolean keep;
    synchronized (this) {
      String key = lent.remove(c);
      keep = key != null && !idleTimeout.isZero() && c.isOpen() && reaperStarted();
      if (keep) {
        idle.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(new Idle(c, System.nanoTime()));
        reaper.schedule(
            this::reap, Math.max(1, idleTimeout.toMillis()) + 50, TimeUnit.MILLISECONDS);
      }
    }
    if (!keep) {
      c.close();
    }
  }

  /** Closes a lent connection that broke: it is not kept. */
  public void discard(SshConnection c) {
    synchronized (this) {
      lent.remove(c);
    }
    c.close();
  }

  /**
   * Starts the idle reaper and the exit hook once; false when the JVM is exiting (nothing is kept
   * then).
   */
  private boolean reaperStarted() {
    if (shutdown) {
      return false;
    }
    if (reaper == null) {
      try {
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "labrun-ssh-close"));
      } catch (IllegalStateException exiting) {
        shutdown = true;
        return false;
      }
      reaper =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "labrun-ssh-idle");
                t.setDaemon(true);
                return t;
              });
    }
    return true;
  }

  /** Closes the connections idle for longer than the timeout. */
  private void reap() {
    List<SshConnection> expired = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      long limit = idleTimeout.toNanos();
      for (var it = idle.values().iterator(); it.hasNext(); ) {
        Deque<Idle> q = it.next();
        q.removeIf(
            i -> {
              boolean old = now - i.since() >= limit || !i.connection().isOpen();
              if (old) {
                expired.add(i.connection());
              }
              return old;
            });
        if (q.isEmpty()) {
          it.remove();
        }
      }
    }
    expired.forEach(SshConnection::close);
  }

  private void closeIdle() {
    List<SshConnection> all = new ArrayList<>();
    synchronized (this) {
      idle.values().forEach(q -> q.forEach(i -> all.add(i.connection())));
      idle.clear();
    }
    all.forEach(SshConnection::close);
  }

  private void closeAll() {
    List<SshConnection> all = new ArrayList<>();
    synchronized (this) {
      shutdown = true;
      all.addAll(lent.keySet());
      lent.clear();
    }
    closeIdle();
    all.forEach(SshConnection::close);
  }

  /** What must be equal for two logins to share a connection. */
  private String key(SshSettings s) {
    StringBuilder k = new StringBuilder();
    k.append(s.user())
        .append('@')
        .append(s.host())
        .append(':')
        .append(s.port())
        .append("|home=")
        .append(s.userHome())
        .append("|known=")
        .append(s.knownHosts())
        .append("|agent=")
        .append(s.agent());
    if (s.password() != null) {
      char[] pw = s.password().get();
      try {
        k.append("|password=").append(keyedHash(pw));
      } finally {
        Arrays.fill(pw, '\0');
      }
    }
    if (s.keyFile() != null) {
      k.append("|key=")
          .append(s.keyFile().toAbsolutePath())
          .append('/')
          .append(fileIdentity(s.keyFile()));
    }
    return k.toString();
  }

  private String keyedHash(char[] secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(hashKey, "HmacSHA256"));
      ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(secret));
      try {
        mac.update(bytes);
        return HexFormat.of().formatHex(mac.doFinal());
      } finally {
        Arrays.fill(bytes.array(), (byte) 0);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  private static String fileIdentity(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return a.fileKey() + "/" + a.size() + "/" + a.lastModifiedTime().toMillis();
    } catch (IOException e) {
      return "missing"; // opening a new connection reports it
    }
  }
}
