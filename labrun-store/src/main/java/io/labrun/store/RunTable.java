package io.labrun.store;

import io.labrun.core.error.LabrunException;
import io.labrun.core.history.RunPage;
import io.labrun.core.history.RunTableQuery;
import io.labrun.core.history.RunTableQuery.Column;
import io.labrun.core.history.RunTableQuery.MetricCondition;
import io.labrun.core.history.RunTableQuery.Sort;
import io.labrun.core.run.Run;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's runs table: {@link RunListing}'s filters, plus conditions on metrics' last values
 * ({@code metric_last}), an order by any column or metric, and keyset pagination on (sort key,
 * id). A page is a range of the sort order right after the previous page's last row, so page
 * 2,000 costs what page 1 costs. Missing values sort last in both directions.
 */
final class RunTable {
  static final int MAX_LIMIT = 1_000;

  private RunTable() {}

  static RunPage page(Connection c, RunTableQuery q) throws SQLException {
    int limit = q.limit() <= 0 ? RunListing.DEFAULT_LIMIT : Math.min(q.limit(), MAX_LIMIT);
    Sort sort = q.sort();
    String key = sort.metric() != null ? "ms.value" : expression(sort.column());
    boolean nullable = sort.metric() != null || !(sort.column() == Column.CREATED || sort.column() == Column.STATUS || sort.column() == Column.RUN_ID);
    String dir = sort.descending() ? "DESC" : "ASC";
    String lt = sort.descending() ? "<" : ">";

    StringBuilder sql = new StringBuilder(RunRows.SELECT);
    List<Object> args = new ArrayList<>();
    if (sort.metric() != null) {
      sql.append(" LEFT JOIN metric_last ms ON ms.run_id = runs.id AND ms.name = ?");
      args.add(sort.metric());
    }
    int i = 0;
    for (MetricCondition mc : q.conditions()) {
      String a = "mc" + i++;
      sql.append(" JOIN metric_last ").append(a).append(" ON ").append(a).append(".run_id = runs.id AND ")
          .append(a).append(".name = ? AND ").append(a).append(".value ").append(mc.op().symbol().equals("!=") ? "<>" : mc.op().symbol()).append(" ?");
      args.add(mc.metric());
      args.add(mc.value());
    }
    List<String> where = new ArrayList<>();
    RunListing.filters(q.filter(), where, args);
    if (q.cursor() != null) {
      Cursor cur = Cursor.decode(q.cursor(), sortName(sort));
      if (cur.value() == null) {
        where.add("(" + key + " IS NULL AND id " + lt + " ?)");
        args.add(cur.id());
      } else {
        // The first term bounds the index range, the second skips the cursor's own key up to its id.
        String after = key + " " + lt + "= ? AND (" + key + " " + lt + " ? OR id " + lt + " ?)";
        where.add(nullable ? "((" + after + ") OR " + key + " IS NULL)" : after);
        args.add(cur.value());
        args.add(cur.value());
        args.add(cur.id());
      }
    }
    if (!where.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", where));
    }
    sql.append(" ORDER BY ").append(key).append(' ').append(dir).append(nullable ? " NULLS LAST" : "")
        .append(", id ").append(dir).append(" LIMIT ?");
    args.add(limit + 1);

    List<Run> runs = new ArrayList<>();
    List<Object> keys = new ArrayList<>();
    String select = sort.metric() != null ? sql.toString().replaceFirst(" FROM runs", ", ms.value AS sort_key FROM runs")
        : sql.toString().replaceFirst(" FROM runs", ", " + key + " AS sort_key FROM runs");
    try (PreparedStatement ps = c.prepareStatement(select)) {
      for (int a = 0; a < args.size(); a++) {
        ps.setObject(a + 1, args.get(a));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          runs.add(RunRows.read(rs));
          keys.add(rs.getObject("sort_key"));
        }
      }
    }
    String next = null;
    if (runs.size() > limit) {
      runs = runs.subList(0, limit);
      Run last = runs.get(limit - 1);
      next = new Cursor(sortName(sort), keys.get(limit - 1), last.id()).encode();
    }
    return new RunPage(List.copyOf(runs), lastValues(c, runs, q.metricColumns()), next);
  }

  private static String expression(Column column) {
    return switch (column) {
      case CREATED -> "created_ms";
      case STARTED -> "started_ms";
      case ENDED -> "ended_ms";
      case DURATION -> "(ended_ms - started_ms)";
      case STATUS -> "status";
      case SCRIPT -> "script";
      case TARGET -> "target";
      case RUN_CONFIGURATION -> "run_configuration";
      case EXPERIMENT -> "experiment";
      case EXIT_CODE -> "exit_code";
      case RUN_ID -> "id";
    };
  }

  private static String sortName(Sort sort) {
    return (sort.metric() != null ? "m:" + sort.metric() : sort.column().key()) + (sort.descending() ? ":d" : ":a");
  }

  private static Map<String, Map<String, Double>> lastValues(Connection c, List<Run> runs, List<String> metrics) throws SQLException {
    if (runs.isEmpty() || metrics.isEmpty()) {
      return Map.of();
    }
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    String sql = "SELECT run_id, name, value FROM metric_last WHERE run_id IN (" + String.join(", ", Collections.nCopies(runs.size(), "?"))
        + ") AND name IN (" + String.join(", ", Collections.nCopies(metrics.size(), "?")) + ")";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      for (Run r : runs) {
        ps.setString(i++, r.id());
      }
      for (String m : metrics) {
        ps.setString(i++, m);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          double v = rs.getDouble(3);
          out.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.wasNull() ? null : v);
        }
      }
    }
    return out;
  }

  /** Where the next page starts: the sort it belongs to, the last row's sort key and id. */
  record Cursor(String sort, Object value, String id) {
    String encode() {
      String v = value == null ? "-" : value instanceof Number n && !(value instanceof Double) && !(value instanceof Float)
          ? "n" + n.longValue() : value instanceof Number n ? "d" + n.doubleValue() : "s" + value;
      String text = sort + "\n" + v + "\n" + id;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String text, String sort) {
      try {
        String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\n", 3);
        if (parts.length != 3 || !parts[0].equals(sort) || parts[1].isEmpty()) {
          throw new IllegalArgumentException("cursor of another order");
        }
        String v = parts[1];
        Object value = switch (v.charAt(0)) {
          case '-' -> null;
          case 'n' -> Long.parseLong(v.substring(1));
          case 'd' -> Double.parseDouble(v.substring(1));
          case 's' -> v.substring(1);
          default -> throw new IllegalArgumentException("bad cursor value");
        };
        return new Cursor(parts[0], value, parts[2]);
      } catch (IllegalArgumentException e) {
        throw LabrunException.badInput("the page cursor does not belong to this order of the runs; list again from the first page");
      }
    }
  }
}
