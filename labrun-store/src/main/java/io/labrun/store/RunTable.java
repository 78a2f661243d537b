package io.labrun.store;

import io.labrun.core.error.LabrunException;
import io.labrun.core.history.RunPage;
import io.labrun.core.history.RunTableQuery;
import io.labrun.core.history.RunTableQuery.Column;
import io.labrun.core.history.RunTableQuery.MetricCondition;
import io.labrun.core.history.RunTableQuery.Sort;
import io.labrun.core.run.Run;
import io.labrun.core.run.query.Attribute;
import io.labrun.core.run.query.Field;
import io.labrun.core.run.query.Order;
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
 * ({@code metric_last}), an order by any column or metric, and keyset pagination on (sort key, id).
 * A page is a range of the sort order right after the previous page's last row, so page 2,000 costs
 * what page 1 costs. Missing values sort last in both directions.
 */
final class RunTable {
  static final int MAX_LIMIT = 1_000;
  private static final int RARE = 2_000;

  private RunTable() {}

  static RunPage page(Connection c, Dialect d, RunTableQuery q) throws SQLException {
    int limit = q.limit() <= 0 ? RunListing.DEFAULT_LIMIT : Math.min(q.limit(), MAX_LIMIT);
    if (!q.filter().runFilter().order().isEmpty()) {
      return sorted(c, d, q, q.filter().runFilter().order(), limit);
    }
    Sort sort = q.sort();
    if (sort.metric() == null && sort.column() == Column.DURATION) {
      // as a filter's order by duration: a walk of runs_by_duration (SortedRuns)
      return sorted(
          c,
          d,
          q,
          List.of(new Order(new Field.Attr(Attribute.DURATION), sort.descending())),
          limit);
    }
    Cursor cursor = q.cursor() == null ? null : Cursor.decode(q.cursor(), sortName(sort));
    List<Row> rows;
    if (sort.metric() != null) {
      rows = byMetric(c, d, q, sort, cursor, limit + 1);
    } else if (nullable(sort.column())) {
      rows = byNullable(c, d, q, sort, cursor, limit + 1);
    } else {
      rows =
          select(
              c,
              d,
              q,
              expression(sort.column()),
              sort.descending(),
              nullable(sort.column()),
              null,
              cursor,
              limit + 1,
              false,
              null);
    }
    String next = null;
    if (rows.size() > limit) {
      rows = rows.subList(0, limit);
      Row last = rows.get(limit - 1);
      next =
          new Cursor(sortName(sort), Collections.singletonList(last.key()), last.run().id())
              .encode();
    }
    List<Run> runs = rows.stream().map(Row::run).toList();
    return new RunPage(runs, lastValues(c, runs, q.metricColumns()), next);
  }

  /**
   * In a filter's {@code order by}, or another {@code order} ({@link SortedRuns}); the metric
   * conditions of the query are added to the filter's own.
   */
  private static RunPage sorted(
      Connection c, Dialect d, RunTableQuery q, List<Order> order, int limit) throws SQLException {
    SortedRuns.Plan plan = SortedRuns.plan(order);
    Cursor cursor = q.cursor() == null ? null : Cursor.decode(q.cursor(), plan.signature());
    List<String> more = new ArrayList<>();
    List<Object> moreArgs = new ArrayList<>();
    for (MetricCondition mc : q.conditions()) {
      more.add(condition(mc, "mc", moreArgs));
    }
    List<SortedRuns.Row> rows =
        SortedRuns.rows(
            c,
            d,
            plan,
            new SortedRuns.Window(
                q.filter(),
                more,
                moreArgs,
                cursor == null ? null : cursor.values(),
                cursor == null ? null : cursor.id(),
                limit + 1));
    String next = null;
    if (rows.size() > limit) {
      rows = rows.subList(0, limit);
      SortedRuns.Row last = rows.get(limit - 1);
      next = new Cursor(plan.signature(), last.keys(), last.run().id()).encode();
    }
    List<Run> runs = rows.stream().map(SortedRuns.Row::run).toList();
    return new RunPage(runs, lastValues(c, runs, q.metricColumns()), next);
  }

  /** A metric condition as a subquery on {@code metric_last}. */
  private static String condition(MetricCondition mc, String alias, List<Object> args) {
    args.add(mc.metric());
    args.add(mc.value());
    return "runs.id IN (SELECT "
        + alias
        + ".run_id FROM metric_last "
        + alias
        + " WHERE "
        + alias
        + ".name = ? AND "
        + alias
        + ".value "
        + (mc.op() == MetricCondition.Op.NE ? "<>" : mc.op().symbol())
        + " ?)";
  }

  /** A run and its sort key. */
  private record Row(Run run, Object key) {}

  /**
   * Ordered by a metric's last value, read in the order of index metric_last_by_name_value (no sort
   * of the whole history), then, once those are exhausted, the runs without a value for it, by id.
   */
  private static List<Row> byMetric(
      Connection c, Dialect d, RunTableQuery q, Sort sort, Cursor cursor, int want)
      throws SQLException {
    List<Row> rows = new ArrayList<>();
    if (cursor == null || cursor.value() != null) {
      rows.addAll(
          select(
              c,
              d,
              q,
              "ms.value",
              sort.descending(),
              false,
              sort.metric(),
              cursor,
              want,
              false,
              null));
    }
    if (rows.size() < want) {
      Cursor nulls = cursor != null && cursor.value() == null ? cursor : null;
      rows.addAll(
          select(
              c,
              d,
              q,
              "runs.id",
              sort.descending(),
              false,
              sort.metric(),
              nulls,
              want - rows.size(),
              true,
              null));
    }
    return rows;
  }

  /**
   * Ordered by a column a run may lack (duration, ended, exit code...): the runs that have a value,
   * in the order of the column's index where there is one (runs_by_duration, runs_by_target...),
   * then the others by id. Without NULLS LAST in the first read, PostgreSQL can walk an index
   * backwards too (it keeps NULLs first there), instead of sorting every run.
   */
  private static List<Row> byNullable(
      Connection c, Dialect d, RunTableQuery q, Sort sort, Cursor cursor, int want)
      throws SQLException {
    String key = expression(sort.column());
    boolean desc = sort.descending();
    List<Row> rows = new ArrayList<>();
    if (cursor == null || cursor.value() != null) {
      rows.addAll(
          select(c, d, q, key, desc, false, null, cursor, want, false, key + " IS NOT NULL"));
    }
    if (rows.size() < want) {
      Cursor nulls = cursor != null && cursor.value() == null ? cursor : null;
      rows.addAll(
          select(
              c, d, q, key, desc, true, null, nulls, want - rows.size(), false, key + " IS NULL"));
    }
    return rows;
  }

  /**
   * One ordered range of runs. {@code metric} names the sort metric, read through alias {@code ms};
   * {@code missing} selects the runs that have no value for it instead. The join order is chosen
   * here (CROSS JOIN keeps SQLite to it; PostgreSQL plans on its own): from the sort metric's
   * index, from a rare metric condition's index, or from the runs in the page's order. {@code
   * only}, when not null, is one more condition.
   */
  private static List<Row> select(
      Connection c,
      Dialect d,
      RunTableQuery q,
      String key,
      boolean desc,
      boolean nullable,
      String metric,
      Cursor cursor,
      int limit,
      boolean missing,
      String only)
      throws SQLException {
    List<String> from = new ArrayList<>();
    List<String> where = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    if (metric != null && !missing) {
      from.add("metric_last ms");
      where.add("ms.name = ? AND ms.value IS NOT NULL AND ms.run_id = runs.id");
      args.add(metric);
    }
    int driver = metric == null ? rareCondition(c, q.conditions()) : -1;
    List<String> joins = new ArrayList<>();
    for (int i = 0; i < q.conditions().size(); i++) {
      MetricCondition mc = q.conditions().get(i);
      String a = "mc" + i;
      (i == driver ? from : joins).add("metric_last " + a);
      where.add(
          a
              + ".name = ? AND "
              + a
              + ".value "
              + (mc.op() == MetricCondition.Op.NE ? "<>" : mc.op().symbol())
              + " ? AND "
              + a
              + ".run_id = runs.id");
      args.add(mc.metric());
      args.add(mc.value());
    }
    from.add("runs");
    from.addAll(joins);
    if (missing) {
      where.add(
          "NOT EXISTS (SELECT 1 FROM metric_last mn WHERE mn.run_id = runs.id AND mn.name = ? AND"
              + " mn.value IS NOT NULL)");
      args.add(metric);
    }
    if (only != null) {
      where.add(only);
    }
    RunListing.filters(d, q.filter(), where, args, RunListing.rare(c, d, q.filter()));
    String lt = desc ? "<" : ">";
    if (cursor != null) {
      if (cursor.value() == null && !missing) {
        where.add("(" + key + " IS NULL AND runs.id " + lt + " ?)");
        args.add(cursor.id());
      } else if (missing || key.equals("runs.id")) {
        where.add("runs.id " + lt + " ?");
        args.add(cursor.id());
      } else {
        // The first term bounds the index range, the second skips the cursor's own key up to its
        // id.
        String after =
            key + " " + lt + "= ? AND (" + key + " " + lt + " ? OR runs.id " + lt + " ?)";
        where.add(nullable ? "((" + after + ") OR " + key + " IS NULL)" : after);
        args.add(cursor.value());
        args.add(cursor.value());
        args.add(cursor.id());
      }
    }
    String dir = desc ? " DESC" : " ASC";
    String sql =
        RunRows.SELECT.replaceFirst(
                " FROM runs$", ", " + (missing ? "NULL" : key) + " AS sort_key FROM ")
            + String.join(" CROSS JOIN ", from)
            + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
            + " ORDER BY "
            + key
            + dir
            + (nullable ? " NULLS LAST" : "")
            + (key.equals("runs.id") ? "" : ", runs.id" + dir)
            + " LIMIT ?";
    args.add(limit);
    List<Row> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      RunRows.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Row(RunRows.read(rs), rs.getObject("sort_key")));
        }
      }
    }
    return out;
  }

  /**
   * The condition matching the fewest runs, if fewer than {@value #RARE}: reading its matches from
   * the index and sorting them beats walking the runs in page order looking for matches. Counting
   * stops at {@value #RARE}, so the check costs at most that many index entries per condition.
   */
  private static int rareCondition(Connection c, List<MetricCondition> conditions)
      throws SQLException {
    int best = -1;
    long fewest = RARE;
    for (int i = 0; i < conditions.size(); i++) {
      MetricCondition mc = conditions.get(i);
      String op = mc.op() == MetricCondition.Op.NE ? "<>" : mc.op().symbol();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT COUNT(*) FROM (SELECT 1 FROM metric_last WHERE name = ? AND value "
                  + op
                  + " ? LIMIT "
                  + RARE
                  + ") x")) {
        ps.setString(1, mc.metric());
        ps.setDouble(2, mc.value());
        try (ResultSet rs = ps.executeQuery()) {
          long n = rs.next() ? rs.getLong(1) : RARE;
          if (n < fewest) {
            fewest = n;
            best = i;
          }
        }
      }
    }
    return best;
  }

  private static boolean nullable(Column column) {
    return !(column == Column.CREATED || column == Column.STATUS || column == Column.RUN_ID);
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
      case RUN_ID -> "runs.id";
    };
  }

  private static String sortName(Sort sort) {
    return (sort.metric() != null ? "m:" + sort.metric() : sort.column().key())
        + (sort.descending() ? ":d" : ":a");
  }

  private static Map<String, Map<String, Double>> lastValues(
      Connection c, List<Run> runs, List<String> metrics) throws SQLException {
    if (runs.isEmpty() || metrics.isEmpty()) {
      return Map.of();
    }
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    String sql =
        "SELECT run_id, name, value FROM metric_last WHERE run_id IN ("
            + String.join(", ", Collections.nCopies(runs.size(), "?"))
            + ") AND name IN ("
            + String.join(", ", Collections.nCopies(metrics.size(), "?"))
            + ")";
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
          out.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
              .put(rs.getString(2), rs.wasNull() ? null : v);
        }
      }
    }
    return out;
  }

  /** Where the next page starts: the order it belongs to, the last row's sort key values and id. */
  record Cursor(String sort, List<Object> values, String id) {
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    /** The single sort key of a column or metric order. */
    Object value() {
      return values.get(0);
    }

    String encode() {
      // A text key is itself in base64, so no value can contain the separator.
      StringBuilder text = new StringBuilder(sort.replace('\n', ' '));
      for (Object value : values) {
        text.append('\n')
            .append(
                value == null
                    ? "-"
                    : value instanceof Number n
                            && !(value instanceof Double)
                            && !(value instanceof Float)
                        ? "n" + n.longValue()
                        : value instanceof Number n
                            ? "d" + n.doubleValue()
                            : "s"
                                + BASE64.encodeToString(
                                    value.toString().getBytes(StandardCharsets.UTF_8)));
      }
      text.append('\n').append(id);
      return BASE64.encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String text, String sort) {
      try {
        String[] parts =
            new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\n", -1);
        if (parts.length < 3 || !parts[0].equals(sort.replace('\n', ' '))) {
          throw new IllegalArgumentException("cursor of another order");
        }
        List<Object> values = new ArrayList<>();
        for (int i = 1; i < parts.length - 1; i++) {
          values.add(value(parts[i]));
        }
        return new Cursor(parts[0], values, parts[parts.length - 1]);
      } catch (IllegalArgumentException e) {
        throw LabrunException.badInput(
            "the page cursor does not belong to this order of the runs; list again from the first"
                + " page");
      }
    }

    private static Object value(String v) {
      if (v.isEmpty()) {
        throw new IllegalArgumentException("bad cursor value");
      }
      return switch (v.charAt(0)) {
        case '-' -> null;
        case 'n' -> Long.parseLong(v.substring(1));
        case 'd' -> Double.parseDouble(v.substring(1));
        case 's' ->
            new String(Base64.getUrlDecoder().decode(v.substring(1)), StandardCharsets.UTF_8);
        default -> throw new IllegalArgumentException("bad cursor value");
      };
    }
  }
}
