package io.labrun.compute.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A connection to a Docker Engine ({@code DOCKER_HOST}, else the default socket), opened on first
 * use, and the one place where the engine's failures become one-line {@link LabrunException}s: an
 * engine that does not answer, a full disk, anything else it refuses.
 */
public final class DockerEngine implements AutoCloseable {
  public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
  private final String host;
  private final Map<String, String> env;
  private DockerClient client;

  public DockerEngine(Map<String, String> env) {
    this.env = env;
    String h = env.get("DOCKER_HOST");
    this.host = h == null || h.isBlank() ? DEFAULT_HOST : h.trim();
  }

  public String host() {
    return host;
  }

  synchronized DockerClient client() {
    if (client == null) {
      DefaultDockerClientConfig.Builder b =
          DefaultDockerClientConfig.createDefaultConfigBuilder()
              .withDockerHost(host)
              .withDockerTlsVerify("1".equals(env.get("DOCKER_TLS_VERIFY")));
      if (env.get("DOCKER_CERT_PATH") != null) {
        b.withDockerCertPath(env.get("DOCKER_CERT_PATH"));
      }
      DefaultDockerClientConfig config = b.build();
      ApacheDockerHttpClient http =
          new ApacheDockerHttpClient.Builder()
              .dockerHost(config.getDockerHost())
              .sslConfig(config.getSSLConfig())
              .maxConnections(16)
              .connectionTimeout(Duration.ofSeconds(10))
              .build();
      client = DockerClientImpl.getInstance(config, http);
    }
    return client;
  }

  /** Runs one call to the engine, turning its failures into one-line errors about {@code doing}. */
  <T> T call(String doing, Supplier<T> call) {
    try {
      return call.get();
    } catch (LabrunException e) {
      throw e;
    } catch (RuntimeException e) {
      throw translate(doing, e);
    }
  }

  void run(String doing, Runnable call) {
    call(
        doing,
        () -> {
          call.run();
          return null;
        });
  }

  /** The error a user sees for a failed engine call. */
  LabrunException translate(String doing, Throwable e) {
    String message = message(e);
    String lower = message.toLowerCase(Locale.ROOT);
    if (unreachable(e)) {
      Throwable io = e;
      while (!(io instanceof IOException) && io.getCause() != null) {
        io = io.getCause();
      }
      message = io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage();
      return new LabrunException(
          ExitCode.TARGET_UNAVAILABLE,
          "cannot reach the Docker engine at "
              + host
              + " ("
              + message
              + "); start Docker, or set DOCKER_HOST to a running engine",
          e);
    }
    if (lower.contains("no space left on device")) {
      return new LabrunException(
          ExitCode.ENVIRONMENT,
          "the Docker engine ran out of disk space while "
              + doing
              + "; free some with 'labrun experiment clean' (labrun's images) or 'docker system"
              + " prune'",
          e);
    }
    return new LabrunException(
        ExitCode.ENVIRONMENT, "Docker failed while " + doing + ": " + message, e);
  }

  static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DockerException) {
        return false; // the engine answered
      }
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** The engine's own words, without docker-java's "Status 500: {...}" wrapping. */
  static String message(Throwable e) {
    String m = e.getMessage();
    for (Throwable t = e; (m == null || m.isBlank()) && t.getCause() != null; t = t.getCause()) {
      m = t.getCause().getMessage();
    }
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    m = m.strip();
    int at = m.indexOf("\"message\":\"");
    if (at >= 0) {
      StringBuilder b = new StringBuilder();
      for (int i = at + 11; i < m.length() && m.charAt(i) != '"'; i++) {
        char c = m.charAt(i);
        b.append(c == '\\' && i + 1 < m.length() ? m.charAt(++i) : c);
      }
      m = b.toString();
    }
    return m.replace('\n', ' ').strip();
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      try {
        client.close();
      } catch (IOException ignored) {
        // closing at exit
      }
      client = null;
    }
  }
}
