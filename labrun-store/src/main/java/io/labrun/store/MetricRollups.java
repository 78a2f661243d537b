package io.labrun.store;

import io.labrun.core.history.MetricSeries;
import io.labrun.core.history.MetricSeries.Bucket;
import io.labrun.core.run.MetricPoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Tables {@code metric_last} and {@code metric_rollup} (see {@code V3__metric_rollups.sql}): kept
 * up to date with every batch of points, in the batch's transaction, and read for the runs table
 * and for charts. A batch is summed up in memory first, so a million points cost some thousands of
 * upserts; an upsert merges with what earlier batches left in the same row.
 */
final class MetricRollups {
  /** Bucket sizes, in steps, finest first. */
  static final int[] SIZES = {64, 4096};

  /** A chart reads at most this many rollup rows per point it draws. */
  private static final int ROWS_PER_POINT = 16;

  private static final String UPSERT_LAST =
      "INSERT INTO metric_last (run_id, name, step, time_ms, value, json, n, lo, hi) VALUES (?, ?,"
          + " ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, name) DO UPDATE SET n = metric_last.n +"
          + " excluded.n, lo = "
          + least("metric_last.lo", "excluded.lo")
          + ", hi = "
          + greatest("metric_last.hi", "excluded.hi")
          + ", time_ms = CASE WHEN excluded.step >= metric_last.step THEN excluded.time_ms ELSE"
          + " metric_last.time_ms END, value = CASE WHEN excluded.step >= metric_last.step THEN"
          + " excluded.value ELSE metric_last.value END, json = CASE WHEN excluded.step >="
          + " metric_last.step THEN excluded.json ELSE metric_last.json END, step = CASE WHEN"
          + " excluded.step >= metric_last.step THEN excluded.step ELSE metric_last.step END";

  /** A run's metric summaries: one row per metric, whatever the number of points. */
  static final String SUMMARIES =
      "SELECT name, step, time_ms, value, json, n, lo, hi FROM metric_last WHERE run_id = ? ORDER"
          + " BY name";

  // Every right-hand side sees the row as it was: the order of the assignments does not matter.
  private static final String UPSERT_ROLLUP =
      "INSERT INTO metric_rollup (run_id, name, size, bucket, n, lo, hi, last_step, last_time_ms,"
          + " last_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, name, size,"
          + " bucket) DO UPDATE SET n = metric_rollup.n + excluded.n, lo = "
          + least("metric_rollup.lo", "excluded.lo")
          + ", hi = "
          + greatest("metric_rollup.hi", "excluded.hi")
          + ", last_time_ms = CASE WHEN excluded.last_step >= metric_rollup.last_step THEN"
          + " excluded.last_time_ms ELSE metric_rollup.last_time_ms END, last_value = CASE WHEN"
          + " excluded.last_step >= metric_rollup.last_step THEN excluded.last_value ELSE"
          + " metric_rollup.last_value END, last_step = CASE WHEN excluded.last_step >="
          + " metric_rollup.last_step THEN excluded.last_step ELSE metric_rollup.last_step END";

  private MetricRollups() {}

  /** Folds a batch of points (in the order they were logged) into both tables. */
  static void add(Connection c, String runId, List<MetricPoint> points) throws SQLException {
    Map<String, Sum> last = new LinkedHashMap<>();
    Map<Key, Sum> sums = new LinkedHashMap<>();
    for (MetricPoint p : points) {
      last.computeIfAbsent(p.name(), k -> new Sum()).add(p);
      Double v = p.value();
      if (v == null || v.isNaN()) {
        continue;
      }
      for (int size : SIZES) {
        sums.computeIfAbsent(new Key(p.name(), size, Math.floorDiv(p.step(), size)), k -> new Sum())
            .add(p);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(UPSERT_LAST)) {
      for (Sum sum : last.values()) {
        MetricPoint p = sum.last;
        boolean nan = p.value() != null && p.value().isNaN();
        ps.setString(1, runId);
        ps.setString(2, p.name());
        ps.setLong(3, p.step());
        RunRows.setMillis(ps, 4, p.time());
        setDouble(ps, 5, p.value() == null || nan ? null : p.value());
        ps.setString(6, nan ? "NaN" : p.json());
        ps.setLong(7, sum.all);
        setDouble(ps, 8, sum.n == 0 ? null : sum.lo);
        setDouble(ps, 9, sum.n == 0 ? null : sum.hi);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    try (PreparedStatement ps = c.prepareStatement(UPSERT_ROLLUP)) {
      int pending = 0;
      for (Map.Entry<Key, Sum> e : sums.entrySet()) {
        Key k = e.getKey();
        Sum s = e.getValue();
        ps.setString(1, runId);
        ps.setString(2, k.name());
        ps.setInt(3, k.size());
        ps.setLong(4, k.bucket());
        ps.setLong(5, s.n);
        ps.setDouble(6, s.lo);
        ps.setDouble(7, s.hi);
        ps.setLong(8, s.last.step());
        RunRows.setMillis(ps, 9, s.last.time());
        ps.setDouble(10, s.last.value());
        ps.addBatch();
        if (++pending == 5_000) {
          ps.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        ps.executeBatch();
      }
    }
  }

  static void delete(Connection c, String runId) throws SQLException {
    for (String table : List.of("metric_last", "metric_rollup")) {
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM " + table + " WHERE run_id = ?")) {
        ps.setString(1, runId);
        ps.executeUpdate();
      }
    }
  }

  /**
   * The metric as at most {@code max} points: every point when there are no more, otherwise the
   * finest rollup that needs at most {@value #ROWS_PER_POINT} rows per point, merged in order.
   */
  static MetricSeries series(Connection c, String runId, String name, int max) throws SQLException {
    MetricSeries s = series(c, List.of(runId), name, max).get(runId);
    return s != null ? s : new MetricSeries(name, 0, false, List.of());
  }

  /**
   * The metric of each of {@code runIds} as {@link #series(Connection, String, String, int)} gives
   * it, by run id in the order asked, runs without it left out. Read for all the runs at once: a
   * few queries whatever their number (a run whose points are mostly lists or dicts, too many to
   * show all and too few scalars to need a rollup, is read on its own).
   */
  static Map<String, MetricSeries> series(Connection c, List<String> runIds, String name, int max)
      throws SQLException {
    List<String> ids = List.copyOf(new LinkedHashSet<>(runIds));
    if (ids.isEmpty()) {
      return Map.of();
    }
    Map<String, Long> all = new HashMap<>(); // run -> points logged
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT run_id, n FROM metric_last WHERE name = ? AND run_id IN ("
                + marks(ids)
                + ")")) {
      bind(ps, name, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          all.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    List<String> few =
        ids.stream().filter(id -> all.containsKey(id) && all.get(id) <= max).toList();
    List<String> many =
        ids.stream().filter(id -> all.containsKey(id) && all.get(id) > max).toList();
    Map<String, MetricSeries> found = new HashMap<>(raw(c, few, name));
    Map<String, Map<Integer, long[]>> levels =
        levels(c, many, name); // run -> size -> {rows, points}
    Map<Integer, List<String>> bySize = new HashMap<>();
    for (String id : many) {
      Map<Integer, long[]> l = levels.getOrDefault(id, Map.of());
      long scalars = l.isEmpty() ? 0 : l.values().iterator().next()[1];
      if (scalars <= max) {
        found.put(id, raw(c, id, name, max));
        continue;
      }
      int size = SIZES[SIZES.length - 1];
      for (int s : SIZES) {
        if (l.containsKey(s) && l.get(s)[0] <= (long) max * ROWS_PER_POINT) {
          size = s;
          break;
        }
      }
      bySize.computeIfAbsent(size, k -> new ArrayList<>()).add(id);
    }
    for (Map.Entry<Integer, List<String>> e : bySize.entrySet()) {
      found.putAll(merged(c, e.getValue(), name, e.getKey(), max, levels));
    }
    Map<String, MetricSeries> out = new LinkedHashMap<>();
    for (String id : ids) {
      if (found.containsKey(id)) {
        out.put(id, found.get(id));
      }
    }
    return out;
  }

  /** Per run, per rollup size: how many rows, and how many scalar points they sum up. */
  private static Map<String, Map<Integer, long[]>> levels(
      Connection c, List<String> runIds, String name) throws SQLException {
    Map<String, Map<Integer, long[]>> out = new HashMap<>();
    if (runIds.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT run_id, size, COUNT(*), SUM(n) FROM metric_rollup WHERE name = ? AND run_id IN"
                + " ("
                + marks(runIds)
                + ") GROUP BY run_id, size")) {
      bind(ps, name, runIds);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
              .put(rs.getInt(2), new long[] {rs.getLong(3), rs.getLong(4)});
        }
      }
    }
    return out;
  }

  /** The runs' rollup rows of one size, consecutive rows merged into at most {@code max} points. */
  private static Map<String, MetricSeries> merged(
      Connection c,
      List<String> runIds,
      String name,
      int size,
      int max,
      Map<String, Map<Integer, long[]>> levels)
      throws SQLException {
    Map<String, List<Bucket>> points = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT run_id, n, lo, hi, last_step, last_time_ms, last_value FROM metric_rollup"
                + " WHERE name = ? AND size = ? AND run_id IN ("
                + marks(runIds)
                + ") ORDER BY run_id, bucket")) {
      ps.setString(1, name);
      ps.setInt(2, size);
      for (int i = 0; i < runIds.size(); i++) {
        ps.setString(i + 3, runIds.get(i));
      }
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        String run = null;
        List<Bucket> out = null;
        int group = 1;
        Merge m = null;
        int inGroup = 0;
        while (rs.next()) {
          String id = rs.getString(1);
          if (!id.equals(run)) {
            if (m != null) {
              out.add(m.bucket());
            }
            run = id;
            out = points.computeIfAbsent(id, k -> new ArrayList<>());
            long rows = levels.get(id).get(size)[0];
            group = (int) Math.max(1, (rows + max - 1) / max);
            m = null;
            inGroup = 0;
          }
          if (m == null) {
            m = new Merge();
          }
          m.add(
              rs.getLong(2),
              rs.getDouble(3),
              rs.getDouble(4),
              rs.getLong(5),
              RunRows.instant(rs, "last_time_ms"),
              rs.getDouble(7));
          if (++inGroup == group) {
            out.add(m.bucket());
            m = null;
            inGroup = 0;
          }
        }
        if (m != null) {
          out.add(m.bucket());
        }
      }
    }
    Map<String, MetricSeries> out = new HashMap<>();
    for (Map.Entry<String, List<Bucket>> e : points.entrySet()) {
      long scalars = levels.get(e.getKey()).get(size)[1];
      out.put(e.getKey(), new MetricSeries(name, scalars, true, e.getValue()));
    }
    return out;
  }

  /** Every point of the runs' metric, each run having at most as many as it may show. */
  private static Map<String, MetricSeries> raw(Connection c, List<String> runIds, String name)
      throws SQLException {
    Map<String, List<Bucket>> points = new HashMap<>();
    if (runIds.isEmpty()) {
      return Map.of();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT run_id, name, step, time_ms, value, json FROM metrics WHERE name = ? AND"
                + " run_id IN ("
                + marks(runIds)
                + ") ORDER BY run_id, step, seq")) {
      bind(ps, name, runIds);
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          points.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(bucket(rs));
        }
      }
    }
    Map<String, MetricSeries> out = new HashMap<>();
    points.forEach((id, p) -> out.put(id, new MetricSeries(name, p.size(), false, p)));
    return out;
  }

  private static String marks(List<String> runIds) {
    return String.join(", ", Collections.nCopies(runIds.size(), "?"));
  }

  private static void bind(PreparedStatement ps, String name, List<String> runIds)
      throws SQLException {
    ps.setString(1, name);
    for (int i = 0; i < runIds.size(); i++) {
      ps.setString(i + 2, runIds.get(i));
    }
  }

  private static Bucket bucket(ResultSet rs) throws SQLException {
    MetricPoint p = MetricRows.read(rs);
    Double v = p.value();
    return new Bucket(p.step(), p.time(), v, v, v, 1, p.isScalar() ? null : p.json());
  }

  /** Every point, up to {@code max} of them; list and dict values keep their JSON. */
  private static MetricSeries raw(Connection c, String runId, String name, int max)
      throws SQLException {
    List<Bucket> out = new ArrayList<>();
    long count = 0;
    try (PreparedStatement ps = c.prepareStatement(MetricRows.POINTS + " LIMIT ?")) {
      ps.setString(1, runId);
      ps.setString(2, name);
      ps.setInt(3, max);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(bucket(rs));
          count++;
        }
      }
    }
    return new MetricSeries(name, count, false, out);
  }

  private static String least(String a, String b) {
    return "COALESCE(CASE WHEN "
        + b
        + " < "
        + a
        + " THEN "
        + b
        + " ELSE "
        + a
        + " END, "
        + a
        + ", "
        + b
        + ")";
  }

  private static String greatest(String a, String b) {
    return "COALESCE(CASE WHEN "
        + b
        + " > "
        + a
        + " THEN "
        + b
        + " ELSE "
        + a
        + " END, "
        + a
        + ", "
        + b
        + ")";
  }

  private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.DOUBLE);
    } else {
      ps.setDouble(i, v);
    }
  }

  private record Key(String name, int size, long bucket) {}

  /**
   * Points being summed up: all of them ({@code all}), the scalar ones ({@code n}, range), the
   * last.
   */
  private static final class Sum {
    long all;
    long n;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    MetricPoint last;

    void add(MetricPoint p) {
      all++;
      if (p.value() != null && !p.value().isNaN()) {
        n++;
        lo = Math.min(lo, p.value());
        hi = Math.max(hi, p.value());
      }
      if (last == null || p.step() >= last.step()) {
        last = p;
      }
    }
  }

  /** Consecutive rollup rows being merged into one chart point. */
  private static final class Merge {
    long n;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    long step;
    Instant time;
    double last;

    void add(long rows, double l, double h, long lastStep, Instant lastTime, double lastValue) {
      n += rows;
      lo = Math.min(lo, l);
      hi = Math.max(hi, h);
      step = lastStep;
      time = lastTime;
      last = lastValue;
    }

    Bucket bucket() {
      return new Bucket(step, time, last, lo, hi, n, null);
    }
  }
}
