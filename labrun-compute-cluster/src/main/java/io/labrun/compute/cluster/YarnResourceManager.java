package io.labrun.compute.cluster;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
    send(
        HttpRequest.newBuilder(URI.create(base + "/ws/v1/cluster/apps/" + appId + "/state"))
            .PUT(HttpRequest.BodyPublishers.ofString("{\"state\":\"KILLED\"}"))
            .header("Content-Type", "application/json"));
  }

  /** A resource from an address the ResourceManager gave (a NodeManager's REST API), as bytes. */
  byte[] fetchBytes(String url) throws IOException {
    HttpResponse<byte[]> r =
        exchange(
            HttpRequest.newBuilder(URI.create(url)).GET(), HttpResponse.BodyHandlers.ofByteArray());
    return r.body();
  }

  private String get(String path) throws IOException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  private String send(HttpRequest.Builder request) throws IOException {
    return exchange(
            request.header("Accept", "application/json"), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private <T> HttpResponse<T> exchange(
      HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) throws IOException {
    HttpResponse<T> r;
    try {
      r = http.send(request.timeout(TIMEOUT).build(), body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (r.statusCode() == 404) {
      throw new NotFound(r.uri() + ": HTTP 404");
    }
    if (r.statusCode() / 100 != 2) {
      throw new IOException(r.uri() + ": HTTP " + r.statusCode());
    }
    return r;
  }

  /** The ResourceManager (or a NodeManager) does not know what was asked for. */
  static final class NotFound extends IOException {
    NotFound(String message) {
      super(message);
    }
  }
}
