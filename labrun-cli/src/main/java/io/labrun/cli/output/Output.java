package io.labrun.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prints command results as a table (the default, for people) or JSON (for scripts), after an
 * optional JMESPath {@code --query}, as the original {@code az ml} commands did. Values are plain
 * Java maps, lists, strings, numbers, booleans and nulls.
 */
public final class Output {
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private final PrintWriter out;
  private final OutputOptions options;

  public Output(PrintWriter out, OutputOptions options) {
    this.out = out;
    this.options = options == null ? new OutputOptions() : options;
  }

  /** A list of records; {@code columns} are the table's columns (JSON shows every field). */
  public void rows(List<? extends Map<String, ?>> rows, List<String> columns) {
    Object data = query(new ArrayList<>(rows));
    if (options.json()) {
      printJson(data);
    } else if (options.query == null) {
      table(rows, columns);
    } else {
      printQueried(data);
    }
  }

  /** One record, shown as name/value lines in a table. */
  public void record(Map<String, ?> record) {
    Object data = query(record);
    if (options.json()) {
      printJson(data);
    } else if (options.query == null) {
      int w = record.keySet().stream().mapToInt(String::length).max().orElse(0);
      record.forEach((k, v) -> out.println(pad(k, w) + "  " + cell(v)));
    } else {
      printQueried(data);
    }
    out.flush();
  }

  private void printQueried(Object data) {
    if (data instanceof List<?> list
        && !list.isEmpty()
        && list.stream().allMatch(Map.class::isInstance)) {
      @SuppressWarnings("unchecked")
      List<Map<String, ?>> maps = (List<Map<String, ?>>) list;
      table(maps, new ArrayList<>(maps.get(0).keySet()));
    } else if (data instanceof Map || data instanceof List) {
      printJson(data);
    } else {
      out.println(data == null ? "" : cell(data));
    }
  }

  private Object query(Object data) {
    if (options.query == null) {
      return data;
    }
    return Query.search(options.query, data);
  }

  private void printJson(Object data) {
    out.println(JSON.writeValueAsString(data));
    out.flush();
  }

  private void table(List<? extends Map<String, ?>> rows, List<String> columns) {
    if (rows.isEmpty()) {
      out.flush();
      return;
    }
    int[] width = new int[columns.size()];
    List<List<String>> cells = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      width[i] = header(columns.get(i)).length();
    }
    for (Map<String, ?> row : rows) {
      List<String> line = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        String c = cell(row.get(columns.get(i)));
        line.add(c);
        width[i] = Math.max(width[i], c.length());
      }
      cells.add(line);
    }
    StringBuilder head = new StringBuilder();
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      head.append(pad(header(columns.get(i)), width[i])).append(i + 1 < columns.size() ? "  " : "");
      rule.append("-".repeat(width[i])).append(i + 1 < columns.size() ? "  " : "");
    }
    out.println(head.toString().stripTrailing());
    out.println(rule);
    for (List<String> line : cells) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < line.size(); i++) {
        b.append(pad(line.get(i), width[i])).append(i + 1 < line.size() ? "  " : "");
      }
      out.println(b.toString().stripTrailing());
    }
    out.flush();
  }

  /**
   * Column names are the JSON field names (snake_case, as the original's); headers show them as is.
   */
  private static String header(String column) {
    return column;
  }

  static String cell(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof List<?> l) {
      return String.join(" ", l.stream().map(Output::cell).toList());
    }
    if (v instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      m.forEach((k, x) -> parts.add(k + "=" + cell(x)));
      return String.join(", ", parts);
    }
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString(d.longValue());
    }
    return v.toString().replace("\n", "\\n");
  }

  private static String pad(String s, int w) {
    return s.length() >= w ? s : s + " ".repeat(w - s.length());
  }

  /** An ordered record builder, so commands read as a list of fields. */
  public static Map<String, Object> fields(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }
}
