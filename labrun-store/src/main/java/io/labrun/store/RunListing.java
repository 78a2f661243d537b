package io.labrun.store;

import io.labrun.core.error.LabrunException;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.core.run.query.Expr;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code history list}: one filtered page of runs, newest first, by keyset pagination on {@code
 * (created_ms, id)}. A page deep in the history costs what the first page costs, because the query
 * starts in the index right after the previous page's last run instead of skipping rows.
 */
final class RunListing {
  static final int DEFAULT_LIMIT = 50;

  private RunListing() {}

  /** A statement and its parameters. */
  record Sql(String text, List<Object> args) {}

  static List<Run> list(Connection c, Dialect d, RunQuery q) throws SQLException {
    if (!q.runFilter().order().isEmpty()) {
      return sorted(c, d, q);
    }
    Sql sql = sql(c, d, q);
    try (PreparedStatement ps = c.prepareStatement(sql.text())) {
      RunRows.bind(ps, sql.args());
      return SqlRunStore.readRuns(ps);
    }
  }

  /** The query for one page; reads the cursor run's creation time to build it. */
  static Sql sql(Connection c, Dialect d, RunQuery q) throws SQLException {
    List<String> where = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    filters(d, q, where, args, rare(c, d, q));
    if (q.cursor() != null) {
      long after = createdOf(c, q.cursor());
      // Rows strictly after the cursor in (created_ms DESC, id DESC) order. The first term alone
      // bounds the index range; the second removes the cursor's own millisecond up to its id.
      where.add("created_ms <= ? AND (created_ms < ? OR id < ?)");
      args.add(after);
      args.add(after);
      args.add(q.cursor());
    }
    String sql =
        RunRows.SELECT
            + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
            + " ORDER BY created_ms DESC, id DESC LIMIT ?";
    args.add(q.limit() > 0 ? q.limit() : DEFAULT_LIMIT);
    return new Sql(sql, args);
  }

  /**
   * In a filter's {@code order by}: the cursor is still the previous page's last run, whose key
   * values start the next page.
   */
  private static List<Run> sorted(Connection c, Dialect d, RunQuery q) throws SQLException {
    SortedRuns.Plan plan = SortedRuns.plan(q.runFilter().order());
    List<Object> after = null;
    if (q.cursor() != null) {
      after = SortedRuns.keysOf(c, plan, q.cursor());
      if (after == null) {
        throw cursorGone(q.cursor());
      }
    }
    int limit = q.limit() > 0 ? q.limit() : DEFAULT_LIMIT;
    var window = new SortedRuns.Window(q, List.of(), List.of(), after, q.cursor(), limit);
    return SortedRuns.rows(c, d, plan, window).stream().map(SortedRuns.Row::run).toList();
  }

  /** The conditions of the query's filters (not its cursor) on table {@code runs}. */
  static void filters(
      Dialect d, RunQuery q, List<String> where, List<Object> args, Predicate<Expr> asSet) {
    if (q.runFilter().where() != null) {
      where.add(FilterSql.of(d, q.runFilter().where(), args, asSet));
    }
    equal(where, args, "experiment", q.experiment());
    equal(where, args, "run_configuration", q.runConfiguration());
    equal(where, args, "target", q.target());
    equal(where, args, "script", q.script());
    equal(where, args, "sweep_id", q.sweepId());
    // An empty set of statuses is read like null: no filter (a CLI without --status flags).
    if (q.statuses() != null && !q.statuses().isEmpty()) {
      List<String> marks = new ArrayList<>();
      for (RunStatus s : q.statuses()) {
        marks.add("?");
        args.add(s.name());
      }
      where.add("status IN (" + String.join(", ", marks) + ")");
    }
    if (q.createdAfter() != null) {
      where.add("created_ms >= ?");
      args.add(q.createdAfter().toEpochMilli());
    }
    if (q.createdBefore() != null) {
      where.add("created_ms < ?");
      args.add(q.createdBefore().toEpochMilli());
    }
  }

  private static void equal(List<String> where, List<Object> args, String column, String value) {
    if (value != null) {
      where.add(column + " = ?");
      args.add(value);
    }
  }

  /**
   * For a walk in page order: which of the filter's conditions are rare enough to start from (see
   * {@link FilterSql}).
   */
  static Predicate<Expr> rare(Connection c, Dialect d, RunQuery q) throws SQLException {
    return q.runFilter().where() == null
        ? e -> false
        : FilterSql.rare(c, d, q.runFilter().where())::contains;
  }

  private static LabrunException cursorGone(String runId) {
    return LabrunException.notFound(
        "run "
            + runId
            + ", where this page should start, is not in the run history"
            + " (deleted meanwhile?); list again from the first page");
  }

  private static long createdOf(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT created_ms FROM runs WHERE id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw cursorGone(runId);
        }
        return rs.getLong(1);
      }
    }
  }
}
