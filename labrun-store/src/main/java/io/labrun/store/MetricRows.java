package io.labrun.store;

import io.labrun.core.history.RunStore.MetricSummary;
import io.labrun.core.run.MetricPoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Metric points as rows of table {@code metrics}. A scalar goes to {@code value}, a list or dict to
 * {@code json}. NaN is kept as the JSON text {@code NaN} because SQLite stores a NaN as NULL; it
 * reads back as a NaN scalar.
 */
final class MetricRows {
  private static final String NAN = "NaN";

  /** One metric of one run in step order: a range scan of index metrics_by_run_name_step. */
  static final String POINTS =
      "SELECT name, step, time_ms, value, json FROM metrics"
          + " WHERE run_id = ? AND name = ? ORDER BY step, seq";

  private MetricRows() {}

  static void insert(Connection c, String runId, List<MetricPoint> points, int batch)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO metrics (run_id, name, step, time_ms, value, json) VALUES (?, ?, ?, ?, ?,"
                + " ?)")) {
      int pending = 0;
      for (MetricPoint p : points) {
        ps.setString(1, runId);
        ps.setString(2, p.name());
        ps.setLong(3, p.step());
        RunRows.setMillis(ps, 4, p.time());
        boolean nan = p.value() != null && p.value().isNaN();
        if (p.value() == null || nan) {
          ps.setNull(5, Types.DOUBLE);
        } else {
          ps.setDouble(5, p.value());
        }
        ps.setString(6, nan ? NAN : p.json());
        ps.addBatch();
        if (++pending == batch) {
          ps.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        ps.executeBatch();
      }
    }
  }

  static List<MetricPoint> points(Connection c, String runId, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(POINTS)) {
      ps.setString(1, runId);
      ps.setString(2, name);
      ps.setFetchSize(10_000);
      List<MetricPoint> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
      return out;
    }
  }

  static Map<String, MetricSummary> summaries(Connection c, String runId) throws SQLException {
    Map<String, MetricSummary> out = new TreeMap<>();
    // Read from metric_last, kept with every write: a run of a million points costs what one of ten
    // does.
    try (PreparedStatement ps = c.prepareStatement(MetricRollups.SUMMARIES)) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          MetricPoint last = read(rs);
          out.put(
              last.name(),
              new MetricSummary(
                  last.name(),
                  rs.getLong("n"),
                  last,
                  nullableDouble(rs, "lo"),
                  nullableDouble(rs, "hi")));
        }
      }
    }
    return out;
  }

  static MetricPoint read(ResultSet rs) throws SQLException {
    Double value = nullableDouble(rs, "value");
    String json = rs.getString("json");
    if (value == null && NAN.equals(json)) {
      value = Double.NaN;
      json = null;
    }
    Instant time = RunRows.instant(rs, "time_ms");
    return new MetricPoint(rs.getString("name"), rs.getLong("step"), time, value, json);
  }

  private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }
}
