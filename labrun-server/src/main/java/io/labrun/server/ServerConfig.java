package io.labrun.server;

import io.labrun.core.finish.UnusedObjects;
import java.time.Duration;

/**
 * How a server listens and what it accepts.
 *
 * @param host the address to bind; loopback unless the operator says otherwise
 * @param port 0 for any free port (tests)
 * @param runsPerTarget how many runs submitted through the server execute at once per target
 * @param maxObjectBytes the largest file a client may upload into the object store
 * @param unusedObjectGrace how long an object no run uses is kept after it was last uploaded or
 *     named by a client (a submission in progress), before garbage collection may remove it
 */
public record ServerConfig(
    String host, int port, int runsPerTarget, long maxObjectBytes, Duration unusedObjectGrace) {
  public static final int DEFAULT_PORT = 8470;
  public static final String LOOPBACK = "127.0.0.1";

  /** JSON request bodies (queries, submissions) are small; anything larger is refused. */
  public static final long MAX_JSON_BYTES = 1 << 20;

  public static final Duration DEFAULT_GRACE = UnusedObjects.DEFAULT_GRACE;

  public ServerConfig(String host, int port, int runsPerTarget, long maxObjectBytes) {
    this(host, port, runsPerTarget, maxObjectBytes, DEFAULT_GRACE);
  }

  public ServerConfig {
    if (runsPerTarget < 1) {
      throw new IllegalArgumentException("runsPerTarget must be at least 1");
    }
  }

  public static ServerConfig defaults() {
    return new ServerConfig(LOOPBACK, DEFAULT_PORT, 2, 1L << 30);
  }

  public ServerConfig withPort(int p) {
    return new ServerConfig(host, p, runsPerTarget, maxObjectBytes, unusedObjectGrace);
  }

  public ServerConfig withHost(String h) {
    return new ServerConfig(h, port, runsPerTarget, maxObjectBytes, unusedObjectGrace);
  }

  public ServerConfig withRunsPerTarget(int n) {
    return new ServerConfig(host, port, n, maxObjectBytes, unusedObjectGrace);
  }

  public ServerConfig withUnusedObjectGrace(Duration grace) {
    return new ServerConfig(host, port, runsPerTarget, maxObjectBytes, grace);
  }
}
