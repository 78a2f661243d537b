package io.labrun.cli.run;

import io.labrun.cli.CliContext;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code history compare RUN RUN...}'s table: one column per run, one row per field (status,
 * script, arguments, target, duration, each param, each metric's last value), {@code *} marking the
 * rows that differ ({@code "differs": true} in JSON). The same from this machine's history or from
 * a server.
 */
public final class CompareTable {
  private CompareTable() {}

  /** What is compared of one run; params and metrics (their last values) as display text. */
  public record Column(
      String runId,
      String status,
      String script,
      List<String> arguments,
      String target,
      String duration,
      Map<String, String> params,
      Map<String, String> metrics) {}

  /**
   * A run's column, from its record as {@code Runs.info} gives it (this machine's or a server's).
   */
  @SuppressWarnings("unchecked")
  static Column column(Map<String, Object> info) {
    Map<String, String> metrics = new LinkedHashMap<>();
    ((Map<String, Map<String, Object>>) info.get("metrics"))
        .forEach((name, summary) -> metrics.put(name, RunOutput.lastValue(summary.get("last"))));
    Map<String, String> params = new LinkedHashMap<>();
    ((Map<String, Object>) info.getOrDefault("params", Map.of()))
        .forEach((k, v) -> params.put(k, String.valueOf(v)));
    return new Column(
        (String) info.get("run_id"),
        (String) info.get("status"),
        (String) info.get("script_name"),
        (List<String>) info.getOrDefault("arguments", List.of()),
        (String) info.get("target"),
        (String) info.get("duration"),
        params,
        metrics);
  }

  public static void print(CliContext ctx, OutputOptions output, List<Column> runs) {
    Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
    for (Column r : runs) {
      put(rows, "status", r, r.status());
      put(rows, "script", r, r.script());
      put(rows, "arguments", r, String.join(" ", r.arguments()));
      put(rows, "target", r, r.target());
      put(rows, "duration", r, r.duration());
    }
    Set<String> params = new LinkedHashSet<>();
    Set<String> metrics = new LinkedHashSet<>();
    for (Column r : runs) {
      params.addAll(r.params().keySet());
      metrics.addAll(r.metrics().keySet());
    }
    for (Column r : runs) {
      params.forEach(name -> put(rows, "param " + name, r, r.params().get(name)));
      metrics.forEach(name -> put(rows, "metric " + name, r, r.metrics().get(name)));
    }
    List<Map<String, Object>> table = new ArrayList<>();
    for (var e : rows.entrySet()) {
      boolean differs = new LinkedHashSet<>(e.getValue().values()).size() > 1;
      Map<String, Object> row = new LinkedHashMap<>();
      // The table marks rows that differ in the field's text; JSON says it in a field of its own.
      row.put("field", output.data() ? e.getKey() : (differs ? "* " : "  ") + e.getKey());
      if (output.data()) {
        row.put("differs", differs);
      }
      row.putAll(e.getValue());
      table.add(row);
    }
    List<String> columns = new ArrayList<>();
    columns.add("field");
    runs.forEach(r -> columns.add(r.runId()));
    new Output(ctx.out(), output).rows(table, columns);
  }

  private static void put(
      Map<String, Map<String, Object>> rows, String field, Column run, Object value) {
    rows.computeIfAbsent(field, k -> new LinkedHashMap<>()).put(run.runId(), value);
  }
}
