package io.labrun.cli.remote;

import io.labrun.cli.CliContext;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/** {@code history list} and {@code history info} through a server: the same fields as the local commands. */
public final class RemoteHistory {
  private static final List<String> COLUMNS = List.of("run_id", "status", "script_name", "target", "created_utc", "duration");
  private static final List<String> LIST_FIELDS = List.of("run_id", "status", "run_configuration", "target", "script_name", "created_utc", "duration");

  private RemoteHistory() {}

  /** Query parameters by name (null values are left out), as the local options give them. */
  public static void list(CliContext ctx, Remote remote, OutputOptions output, Map<String, String> filters) {
    StringBuilder q = new StringBuilder("/api/v1/runs?");
    filters.forEach((k, v) -> {
      if (v != null) {
        q.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&');
      }
    });
    JsonNode page = new ServerClient(remote).get(q.substring(0, q.length() - 1));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JsonNode r : page.get("runs")) {
      Map<String, Object> all = ServerClient.JSON.convertValue(r, new TypeReference<LinkedHashMap<String, Object>>() {});
      Map<String, Object> row = new LinkedHashMap<>();
      LIST_FIELDS.forEach(f -> {
        if (all.get(f) != null) {
          row.put(f, all.get(f));
        }
      });
      rows.add(row);
    }
    new Output(ctx.out(), output).rows(rows, COLUMNS);
  }

  public static void info(CliContext ctx, Remote remote, String runId, OutputOptions output) {
    new Output(ctx.out(), output).record(info(new ServerClient(remote), runId));
  }

  /** The server's run record in the local command's shape (metrics by name). */
  static Map<String, Object> info(ServerClient client, String runId) {
    JsonNode j = client.get("/api/v1/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8).replace("+", "%20"));
    Map<String, Object> m = ServerClient.JSON.convertValue(j, new TypeReference<LinkedHashMap<String, Object>>() {});
    m.remove("experiment");
    m.remove("duration_ms");
    Map<String, Object> metrics = new LinkedHashMap<>();
    for (JsonNode s : j.path("metrics")) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("last", ServerClient.JSON.convertValue(s.get("last"), Object.class));
      one.put("count", s.path("count").asLong());
      one.put("min", s.has("min") ? s.get("min").asDouble() : null);
      one.put("max", s.has("max") ? s.get("max").asDouble() : null);
      metrics.put(s.get("name").asString(), one);
    }
    m.put("metrics", metrics);
    return m;
  }
}
