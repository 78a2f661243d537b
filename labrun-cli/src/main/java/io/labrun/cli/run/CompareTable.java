package io.labrun.cli.run;

import io.labrun.cli.CliContext;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.core.history.RunComparison.Compared;
import io.labrun.core.history.RunComparison.Row;
import io.labrun.core.history.RunView;
import io.labrun.core.run.MetricPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code history compare RUN RUN...}'s table of a comparison ({@code Runs.compare}, the same from
 * this machine's history or from a server): one column per run, one row per field (experiment,
 * status, run configuration, target, script, arguments, sweep, exit code, duration, each param,
 * each metric's last value, each tag), {@code *} marking the rows that differ ({@code "differs":
 * true} in JSON). Fields are named as people read them ({@code param lr}, not {@code params.lr}).
 */
public final class CompareTable {
  /** The names of the compared attributes as the table shows them; others are shown as they are. */
  private static final Map<String, String> LABELS =
      Map.of(
          "run_configuration", "run configuration",
          "script_name", "script",
          "sweep_id", "sweep",
          "exit_code", "exit code",
          "duration_ms", "duration");

  private CompareTable() {}

  public static void print(CliContext ctx, OutputOptions output, Compared compared) {
    List<String> runIds = new ArrayList<>();
    compared.runs().forEach(r -> runIds.add((String) r.get("run_id")));
    List<Map<String, Object>> table = new ArrayList<>();
    for (Row row : compared.rows()) {
      Map<String, Object> line = new LinkedHashMap<>();
      String field = label(row.field());
      // The table marks rows that differ in the field's text; JSON says it in a field of its own.
      line.put("field", output.data() ? field : (row.differs() ? "* " : "  ") + field);
      if (output.data()) {
        line.put("differs", row.differs());
      }
      for (String id : runIds) {
        line.put(id, text(row.field(), row.values().get(id)));
      }
      table.add(line);
    }
    List<String> columns = new ArrayList<>();
    columns.add("field");
    columns.addAll(runIds);
    new Output(ctx.out(), output).rows(table, columns);
  }

  private static String label(String field) {
    if (field.startsWith("params.")) {
      return "param " + field.substring("params.".length());
    }
    if (field.startsWith("metrics.")) {
      return "metric " + field.substring("metrics.".length());
    }
    if (field.startsWith("tags.")) {
      return "tag " + field.substring("tags.".length());
    }
    return LABELS.getOrDefault(field, field);
  }

  /** A value as text: a duration as every view shows it, a metric as {@code history info} does. */
  private static String text(String field, Object value) {
    if (value == null) {
      return null;
    }
    if (field.equals("duration_ms")) {
      return RunView.duration(Duration.ofMillis(((Number) value).longValue()));
    }
    if (value instanceof List<?> arguments) {
      return String.join(" ", arguments.stream().map(String::valueOf).toList());
    }
    if (field.startsWith("metrics.") && value instanceof Number n) {
      return MetricPoint.text(n.doubleValue());
    }
    return String.valueOf(value);
  }
}
