package io.labrun.compute.cluster;

import io.labrun.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the launcher knows of a run's Spark application, as {@code STATE/spark.json}: its id once
 * the cluster gave it one, and its latest launcher state; on YARN also the ResourceManager's REST
 * base and the application's tracking URL (null elsewhere). Written by {@link SparkDriver} at every
 * change (temporary file, then rename), read by labrun to record the id and show the state.
 */
record SparkApp(
    String appId, String state, long updatedMs, String resourceManager, String trackingUrl) {
  static final String FILE_NAME = "spark.json";

  void write(Path stateDir) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("app_id", appId);
    m.put("state", state);
    m.put("updated_ms", updatedMs);
    m.put("yarn_resource_manager", resourceManager);
    m.put("yarn_tracking_url", trackingUrl);
    Path tmp = Files.createTempFile(stateDir, ".spark", ".tmp");
    Files.writeString(tmp, Json.write(m) + "\n");
    Files.move(
        tmp,
        stateDir.resolve(FILE_NAME),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  static Optional<SparkApp> read(Path stateDir) {
    try {
      return RunFolder.local(stateDir).read(FILE_NAME).flatMap(SparkApp::parse);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The record in {@code json}; empty when it cannot be read (never half-written: see {@link
   * #write}).
   */
  static Optional<SparkApp> parse(byte[] json) {
    try {
      Map<String, Object> m = Json.parseObject(new String(json, StandardCharsets.UTF_8));
      Object updated = m.get("updated_ms");
      return Optional.of(
          new SparkApp(
              (String) m.get("app_id"),
              (String) m.get("state"),
              updated instanceof Number n ? n.longValue() : 0,
              (String) m.get("yarn_resource_manager"),
              (String) m.get("yarn_tracking_url")));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
