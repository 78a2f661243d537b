package io.labrun.compute.cluster;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Spark master URL as {@code spark-submit --master} takes it ({@code spark://h:7077[,h2:7077]},
 * {@code yarn}, {@code k8s://https://h:6443}, {@code local[*]}), and what labrun can tell from it
 * before submitting: where to check that the master answers, and where a standalone master's web UI
 * is.
 */
record SparkMaster(String url) {
  static final int STANDALONE_PORT = 7077;
  static final int STANDALONE_UI_PORT = 8080;

  /** A host and port the master listens on. */
  record Endpoint(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /** {@code yarn} (and Spark 1's {@code yarn-client}, {@code yarn-cluster}). */
  static boolean isYarn(String url) {
    return url.strip().toLowerCase(Locale.ROOT).startsWith("yarn");
  }

  boolean isYarn() {
    return isYarn(url);
  }

  boolean isStandalone() {
    return url.startsWith("spark://");
  }

  /**
   * Where the master takes connections: every host of a standalone (HA) URL, the API server of a
   * Kubernetes one. None for YARN (the ResourceManager comes from HADOOP_CONF_DIR on the submitting
   * machine) and local masters.
   */
  List<Endpoint> endpoints() {
    List<Endpoint> out = new ArrayList<>();
    if (isStandalone()) {
      for (String hp : url.substring("spark://".length()).split(",")) {
        out.add(endpoint(hp.replaceAll("/+$", ""), STANDALONE_PORT));
      }
    } else if (url.toLowerCase(Locale.ROOT).startsWith("k8s://")) {
      String rest = url.substring("k8s://".length());
      URI uri = URI.create(rest.contains("://") ? rest : "https://" + rest);
      if (uri.getHost() != null) {
        out.add(
            new Endpoint(
                uri.getHost(),
                uri.getPort() > 0 ? uri.getPort() : "http".equals(uri.getScheme()) ? 80 : 443));
      }
    }
    return out;
  }

  private static Endpoint endpoint(String hostPort, int defaultPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0 || hostPort.endsWith("]")) {
      return new Endpoint(hostPort, defaultPort);
    }
    try {
      return new Endpoint(
          hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw LabrunException.badInput(
          "Spark master " + hostPort + " has a port that is not a number");
    }
  }

  /**
   * The standalone master's web UI (its {@code /json/} API too): the first master host on {@code
   * SPARK_MASTER_WEBUI_PORT}, the variable Spark's own start script reads, else Spark's default
   * 8080.
   */
  Optional<String> webUi(Map<String, String> env) {
    if (!isStandalone() || endpoints().isEmpty()) {
      return Optional.empty();
    }
    String port =
        env.getOrDefault("SPARK_MASTER_WEBUI_PORT", Integer.toString(STANDALONE_UI_PORT)).strip();
    return Optional.of("http://" + endpoints().get(0).host() + ":" + port);
  }

  /**
   * Checks that at least one endpoint takes a TCP connection within {@code timeout}: Spark itself
   * retries an unreachable master for a minute or more before it gives up.
   */
  void probe(Duration timeout, String targetName) {
    List<Endpoint> endpoints = endpoints();
    if (endpoints.isEmpty()) {
      return;
    }
    List<String> failures = new ArrayList<>();
    for (Endpoint e : endpoints) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(e.host(), e.port()), (int) timeout.toMillis());
        return;
      } catch (IOException ex) {
        failures.add(
            e + ": " + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()));
      }
    }
    throw new LabrunException(
        ExitCode.TARGET_UNAVAILABLE,
        "Spark master "
            + url
            + " is unreachable ("
            + String.join("; ", failures)
            + "); start it, or fix sparkMaster in aml_config/"
            + targetName
            + ".compute");
  }
}
