package io.labrun.server;

/**
 * How a server listens and what it accepts.
 *
 * @param host the address to bind; loopback unless the operator says otherwise
 * @param port 0 for any free port (tests)
 * @param runsPerTarget how many runs submitted through the server execute at once per target
 * @param maxObjectBytes the largest file a client may upload into the object store
 */
public record ServerConfig(String host, int port, int runsPerTarget, long maxObjectBytes) {
  public static final int DEFAULT_PORT = 8470;
  public static final String LOOPBACK = "127.0.0.1";

  /** JSON request bodies (queries, submissions) are small; anything larger is refused. */
  public static final long MAX_JSON_BYTES = 1 << 20;

  public ServerConfig {
    if (runsPerTarget < 1) {
      throw new IllegalArgumentException("runsPerTarget must be at least 1");
    }
  }

  public static ServerConfig defaults() {
    return new ServerConfig(LOOPBACK, DEFAULT_PORT, 2, 1L << 30);
  }

  public ServerConfig withPort(int p) {
    return new ServerConfig(host, p, runsPerTarget, maxObjectBytes);
  }

  public ServerConfig withHost(String h) {
    return new ServerConfig(h, port, runsPerTarget, maxObjectBytes);
  }

  public ServerConfig withRunsPerTarget(int n) {
    return new ServerConfig(host, port, n, maxObjectBytes);
  }
}
