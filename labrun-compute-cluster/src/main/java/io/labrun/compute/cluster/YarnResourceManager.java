package io.labrun.compute.cluster;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A YARN ResourceManager as labrun talks to it: its REST API ({@code /ws/v1/cluster}), found from
 * the {@code yarn-site.xml} in {@code HADOOP_CONF_DIR} (else {@code YARN_CONF_DIR}), the same file
 * {@code spark-submit --master yarn} reads. Plain HTTP with the JDK's client: labrun carries no
 * Hadoop jars. Reads an application, finds one by its tag, kills one; and reads a container's log
 * from its NodeManager (see {@link YarnLogs}). A ResourceManager behind Kerberos (SPNEGO) or in an
 * HA pair is not covered: the first web address of the file is used.
 */
final class YarnResourceManager {
  static final String DEFAULT_WEB_PORT = "8088";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final String base;

  /**
   * @param base the REST base, e.g. {@code http://rm:8088}
   */
  YarnResourceManager(String base) {
    this.base = base.replaceAll("/+$", "");
  }

  String base() {
    return base;
  }

  /**
   * The ResourceManager of the Hadoop configuration in {@code env}; empty when neither {@code
   * HADOOP_CONF_DIR} nor {@code YARN_CONF_DIR} names a folder with a {@code yarn-site.xml} that
   * says where the ResourceManager is.
   */
  static Optional<YarnResourceManager> of(Map<String, String> env) {
    return confDir(env)
        .flatMap(YarnResourceManager::webAddress)
        .map(a -> new YarnResourceManager("http://" + a));
  }

  /**
   * The ResourceManager a YARN run goes to, checked before submitting: spark-submit itself would
   * retry an unreachable ResourceManager for many minutes.
   */
  static YarnResourceManager answering(Map<String, String> env, String targetName) {
    YarnResourceManager rm =
        of(env)
            .orElseThrow(
                () ->
                    new LabrunException(
                        ExitCode.ENVIRONMENT,
                        "sparkMaster of aml_config/"
                            + targetName
                            + ".compute is yarn but neither HADOOP_CONF_DIR nor YARN_CONF_DIR names"
                            + " a folder with a yarn-site.xml; export"
                            + " HADOOP_CONF_DIR=/etc/hadoop/conf (the cluster's client"
                            + " configuration)"));
    try {
      rm.probe();
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.TARGET_UNAVAILABLE,
          "the YARN ResourceManager "
              + rm.base
              + " does not answer ("
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + "); start it, or fix yarn.resourcemanager.webapp.address in "
              + confDir(env).orElseThrow().resolve("yarn-site.xml"));
    }
    return rm;
  }

  /**
   * Whether the cluster of the Hadoop configuration in {@code env} aggregates container logs
   * ({@code yarn.log-aggregation-enable} in its {@code yarn-site.xml}): the NodeManager then moves
   * them away once an application ended.
   */
  static boolean aggregatesLogs(Map<String, String> env) {
    return confDir(env)
        .map(d -> siteProperties(d.resolve("yarn-site.xml")).get("yarn.log-aggregation-enable"))
        .map(v -> v.strip().equalsIgnoreCase("true"))
        .orElse(false);
  }

  /** The configuration folder spark-submit would read, when it holds a {@code yarn-site.xml}. */
  static Optional<Path> confDir(Map<String, String> env) {
    for (String name : List.of("HADOOP_CONF_DIR", "YARN_CONF_DIR")) {
      String dir = env.get(name);
      if (dir != null && !dir.isBlank() && Files.isRegularFile(Path.of(dir, "yarn-site.xml"))) {
        return Optional.of(Path.of(dir));
      }
    }
    return Optional.empty();
  }

  /**
   * {@code yarn.resourcemanager.webapp.address}, else the ResourceManager's host on YARN's default
   * web port.
   */
  static Optional<String> webAddress(Path confDir) {
    Map<String, String> site = siteProperties(confDir.resolve("yarn-site.xml"));
    String web = site.get("yarn.resourcemanager.webapp.address");
    if (web != null && !web.isBlank() && !web.contains("${")) {
      return Optional.of(web.strip());
    }
    String host = site.get("yarn.resourcemanager.hostname");
    return host == null || host.isBlank()
        ? Optional.empty()
        : Optional.of(host.strip() + ":" + DEFAULT_WEB_PORT);
  }

  /** The name/value pairs of a Hadoop {@code *-site.xml}; empty when it cannot be read. */
  static Map<String, String> siteProperties(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      NodeList props = f.newDocumentBuilder().parse(file.toFile()).getElementsByTagName("property");
      for (int i = 0; i < props.getLength(); i++) {
        Element p = (Element) props.item(i);
        NodeList name = p.getElementsByTagName("name");
        NodeList value = p.getElementsByTagName("value");
        if (name.getLength() > 0 && value.getLength() > 0) {
          out.put(name.item(0).getTextContent().strip(), value.item(0).getTextContent().strip());
        }
      }
    } catch (IOException | SAXException | ParserConfigurationException e) {
      return Map.of();
    }
    return out;
  }

  /** Throws when the ResourceManager does not answer {@code /ws/v1/cluster/info}. */
  void probe() throws IOException {
    get("/ws/v1/cluster/info");
  }

  /**
   * The application's report ({@code state}, {@code finalStatus}, {@code diagnostics}, {@code
   * trackingUrl}, {@code amContainerLogs}...).
   */
  Optional<YarnApp> app(String appId) throws IOException {
    try {
      Object app = Json.parseObject(get("/ws/v1/cluster/apps/" + appId)).get("app");
      return app instanceof Map<?, ?> m ? Optional.of(YarnApp.of(m)) : Optional.empty();
    } catch (NotFound e) {
      return Optional.empty();
    }
  }

  /** The newest application carrying {@code tag} (YARN keeps tags in lower case). */
  Optional<YarnApp> appTagged(String tag) throws IOException {
    Object apps =
        Json.parseObject(
                get(
                    "/ws/v1/cluster/apps?applicationTags="
                        + URLEncoder.encode(tag, StandardCharsets.UTF_8)))
            .get("apps");
    if (!(apps instanceof Map<?, ?> m) || !(m.get("app") instanceof List<?> list)) {
      return Optional.empty();
    }
    return list.stream()
        .filter(Map.class::isInstance)
        .map(a -> YarnApp.of((Map<?, ?>) a))
        .max(Comparator.comparingLong(YarnApp::startedTime));
  }

  /**
   * Asks the ResourceManager to kill the application ({@code PUT .../state {"state":"KILLED"}}).
   */
  void kill(String appId) throws IOException {
    exchange(
        "PUT",
        base + "/ws/v1/cluster/apps/" + appId + "/state",
        "application/json",
        "{\"state\":\"KILLED\"}".getBytes(StandardCharsets.UTF_8));
  }

  /** A resource from an address the ResourceManager gave (a NodeManager's REST API), as bytes. */
  byte[] fetchBytes(String url) throws IOException {
    return exchange("GET", url, null, null);
  }

  private String get(String path) throws IOException {
    return new String(
        exchange("GET", base + path, "application/json", null), StandardCharsets.UTF_8);
  }

  /**
   * One request through {@link HttpURLConnection}, not the JDK's {@code HttpClient}: that one costs
   * a {@code SparkDriver} JVM about 0.2 s to build, and its selector thread, blocked in native
   * code, holds up the JVM's exit by 0.3 s (HotSpot waits for such threads before it exits; see
   * docs/benchmarks.md, Spark on YARN). As with that client: no proxy, redirects not followed.
   *
   * @param accept the {@code Accept} header (and the body's {@code Content-Type}), null for none
   */
  private static byte[] exchange(String method, String url, String accept, byte[] body)
      throws IOException {
    HttpURLConnection c;
    try {
      c = (HttpURLConnection) URI.create(url).toURL().openConnection(Proxy.NO_PROXY);
    } catch (IllegalArgumentException e) {
      throw new IOException("not an address: " + url, e);
    }
    try {
      c.setRequestMethod(method);
      c.setInstanceFollowRedirects(false);
      c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      c.setReadTimeout((int) TIMEOUT.toMillis());
      if (accept != null) {
        c.setRequestProperty("Accept", accept);
      }
      if (body != null) {
        c.setRequestProperty("Content-Type", accept);
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
          out.write(body);
        }
      }
      int status = c.getResponseCode();
      if (status == 404) {
        drain(c.getErrorStream());
        throw new NotFound(url + ": HTTP 404");
      }
      if (status / 100 != 2) {
        drain(c.getErrorStream());
        throw new IOException(url + ": HTTP " + status);
      }
      try (InputStream in = c.getInputStream()) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      c.disconnect();
      throw e;
    }
  }

  /** Reads an error's body, so that the connection can be kept for the next request. */
  private static void drain(InputStream in) {
    if (in == null) {
      return;
    }
    try (in) {
      in.readAllBytes();
    } catch (IOException e) {
      // the connection is not kept
    }
  }

  /** The ResourceManager (or a NodeManager) does not know what was asked for. */
  static final class NotFound extends IOException {
    NotFound(String message) {
      super(message);
    }
  }
}
