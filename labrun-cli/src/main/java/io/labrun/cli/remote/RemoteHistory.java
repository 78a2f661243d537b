package io.labrun.cli.remote;

import io.labrun.cli.CliContext;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.cli.run.MoreRuns;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * {@code history list} and {@code history info} through a server: the same fields as the local
 * commands.
 */
public final class RemoteHistory {
  private static final List<String> COLUMNS =
      List.of("run_id", "status", "script_name", "target", "created_utc", "duration");

  /** The server's largest page: the runs after a cut table are counted up to this many. */
  private static final int SERVER_MAX_LIMIT = 1000;

  private RemoteHistory() {}

  /**
   * {@code history list}: {@code filters} are the server's query parameters by name, as the local
   * options give them.
   */
  public static void list(
      CliContext ctx, Remote remote, OutputOptions output, Map<String, String> filters) {
    ServerClient client = new ServerClient(remote);
    JsonNode page = client.get(runsPath(filters));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JsonNode r : page.get("runs")) {
      Map<String, Object> row =
          ServerClient.JSON.convertValue(r, new TypeReference<LinkedHashMap<String, Object>>() {});
      row.remove("metrics"); // the UI's metric columns; the command line's list has none
      rows.add(row);
    }
    new Output(ctx.out(), output).rows(rows, COLUMNS);
    int limit = Integer.parseInt(filters.get("limit"));
    if (!output.json() && rows.size() == limit) {
      sayHowManyMore(ctx, client, filters, limit, (String) rows.get(rows.size() - 1).get("run_id"));
    }
  }

  /**
   * A cut table says so, as from this machine's history: the server counts the runs after the last
   * one shown.
   */
  private static void sayHowManyMore(
      CliContext ctx,
      ServerClient client,
      Map<String, String> filters,
      int limit,
      String lastShown) {
    Map<String, String> rest = new LinkedHashMap<>(filters);
    rest.put("after", lastShown);
    rest.put("limit", Integer.toString(SERVER_MAX_LIMIT));
    int more = client.get(runsPath(rest)).get("runs").size();
    MoreRuns.say(ctx.err(), more, SERVER_MAX_LIMIT, limit, lastShown);
  }

  /** Query parameters by name (null values are left out), as the local options give them. */
  private static String runsPath(Map<String, String> filters) {
    StringBuilder q = new StringBuilder("/api/v1/runs?");
    filters.forEach(
        (k, v) -> {
          if (v != null) {
            q.append(k)
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                .append('&');
          }
        });
    return q.substring(0, q.length() - 1);
  }

  private static String text(JsonNode j, String field) {
    return j.hasNonNull(field) ? j.get(field).asString() : null;
  }
}
