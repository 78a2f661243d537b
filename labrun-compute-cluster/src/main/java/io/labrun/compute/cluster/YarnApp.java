package io.labrun.compute.cluster;

import java.util.Map;
import java.util.Set;

/**
 * A YARN application as the ResourceManager reports it ({@code /ws/v1/cluster/apps/ID}).
 *
 * @param state YARN's application state: NEW ... ACCEPTED, RUNNING, then FINISHED, FAILED or KILLED
 * @param finalStatus what the application itself said: UNDEFINED while running, then SUCCEEDED,
 *     FAILED or KILLED
 * @param amContainerLogs the NodeManager page of the ApplicationMaster's container logs (null
 *     before it started)
 */
record YarnApp(
    String id,
    String state,
    String finalStatus,
    String diagnostics,
    String trackingUrl,
    String amContainerLogs,
    String queue,
    String tags,
    long startedTime) {
  private static final Set<String> FINAL = Set.of("FINISHED", "FAILED", "KILLED");

  static YarnApp of(Map<?, ?> m) {
    return new YarnApp(
        str(m, "id"),
        str(m, "state"),
        str(m, "finalStatus"),
        str(m, "diagnostics"),
        str(m, "trackingUrl"),
        str(m, "amContainerLogs"),
        str(m, "queue"),
        str(m, "applicationTags"),
        m.get("startedTime") instanceof Number n ? n.longValue() : 0);
  }

  boolean isFinal() {
    return FINAL.contains(state);
  }

  /** YARN's diagnostics when it gave any ("N/A" and blanks are none). */
  String reason() {
    return diagnostics == null || diagnostics.isBlank() || diagnostics.equals("N/A")
        ? null
        : diagnostics.strip();
  }

  private static String str(Map<?, ?> m, String key) {
    Object v = m.get(key);
    return v == null ? null : v.toString();
  }
}
