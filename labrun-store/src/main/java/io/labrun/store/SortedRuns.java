package io.labrun.store;

import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.query.Attribute;
import io.labrun.core.run.query.Expr;
import io.labrun.core.run.query.Field;
import io.labrun.core.run.query.Order;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Runs in the order of a filter's {@code order by}, a page at a time by keyset on (keys..., id):
 * the next page starts right after the previous page's last row, found from its key values. A
 * metric, param or tag key is read through a LEFT JOIN on its (run_id, name) key; a param or tag
 * orders by its number first and then its text, so numbers sort as numbers and text after them.
 * Runs without a value come last in both directions.
 */
final class SortedRuns {
  private SortedRuns() {}

  /** One sort key: an SQL expression on the joined tables. */
  record Key(String sql, boolean nullable, boolean descending) {}

  /** The joins (and their parameters) that the keys read, and the keys, most significant first. */
  record Plan(List<String> joins, List<Object> joinArgs, List<Key> keys) {
    /** The alias of the table the first key is read from ("o0"), or null for a column of runs. */
    String leadingAlias() {
      return keys.get(0).sql().startsWith("o0.") ? "o0" : null;
    }

    /** Names the order, so that a cursor of one order is not used with another. */
    String signature() {
      return String.join(
              "|", keys.stream().map(k -> k.sql() + (k.descending() ? ":d" : ":a")).toList())
          + joinArgs;
    }
  }

  /** A run and the values of its keys. */
  record Row(Run run, List<Object> keys) {}

  static Plan plan(List<Order> order) {
    List<String> joins = new ArrayList<>();
    List<Object> joinArgs = new ArrayList<>();
    List<Key> keys = new ArrayList<>();
    if (order.isEmpty()) {
      keys.add(new Key("created_ms", false, true));
    }
    for (int i = 0; i < order.size(); i++) {
      Order o = order.get(i);
      String alias = "o" + i;
      if (o.field() instanceof Field.Attr a) {
        Attribute attr = a.attribute();
        boolean nullable =
            !(attr == Attribute.CREATED || attr == Attribute.STATUS || attr == Attribute.ID);
        keys.add(new Key(FilterSql.column(attr), nullable, o.descending()));
        continue;
      }
      String table =
          o.field() instanceof Field.Metric
              ? "metric_last"
              : o.field() instanceof Field.Param ? "params" : "tags";
      joins.add(
          "LEFT JOIN "
              + table
              + " "
              + alias
              + " ON "
              + alias
              + ".run_id = runs.id AND "
              + alias
              + ".name = ?");
      if (o.field() instanceof Field.Metric m) {
        joinArgs.add(m.name());
        keys.add(
            new Key(alias + "." + FilterSql.metricColumn(m.aggregate()), true, o.descending()));
      } else {
        joinArgs.add(
            o.field() instanceof Field.Param p ? p.name() : ((Field.Tag) o.field()).name());
        keys.add(new Key(alias + ".num", true, o.descending()));
        keys.add(new Key(alias + ".value", true, o.descending()));
      }
    }
    return new Plan(joins, joinArgs, keys);
  }

  /**
   * What one read of sorted runs asks for: up to {@code limit} runs matching {@code query}'s
   * filters (and {@code more}, with {@code moreArgs}), after the row with key values {@code after}
   * and id {@code afterId} when given.
   */
  record Window(
      RunQuery query,
      List<String> more,
      List<Object> moreArgs,
      List<Object> after,
      String afterId,
      int limit) {
    /** The same runs from another place, at most {@code n}. */
    Window from(List<Object> values, String id, int n) {
      return new Window(query, more, moreArgs, values, id, n);
    }
  }

  /**
   * The runs of {@code w} in the order of {@code plan}.
   *
   * <p>When the order starts with a metric, param or tag, or an attribute a run may lack, the runs
   * that have a value for it come first, read in the order of that field's index ((name, value,
   * run_id), or the attribute's) while the filter's common conditions are probed run by run, so a
   * page costs about {@code limit} divided by the share of runs that match, never a sort of every
   * match. The runs without a value come after them, from the general query.
   */
  static List<Row> rows(Connection c, Dialect d, Plan plan, Window w) throws SQLException {
    if (plan.leadingAlias() == null && !plan.keys().get(0).nullable()) {
      return query(c, d, plan, w, Part.ALL, e -> true);
    }
    List<Row> out = new ArrayList<>();
    boolean inValued = w.afterId() == null || w.after().get(0) != null;
    if (inValued) {
      out.addAll(query(c, d, plan, w, Part.VALUED, RunListing.rare(c, d, w.query())));
    }
    if (out.size() < w.limit()) {
      int n = w.limit() - out.size();
      // after the valued runs, the unvalued ones from their start; else from where the cursor is
      Window rest = inValued ? w.from(null, null, n) : w.from(w.after(), w.afterId(), n);
      out.addAll(query(c, d, plan, rest, Part.UNVALUED, e -> true));
    }
    return out;
  }

  /** Which runs a query reads: all, or those with or without a value for the first key. */
  private enum Part {
    ALL,
    VALUED,
    UNVALUED
  }

  private static List<Row> query(
      Connection c, Dialect d, Plan plan, Window w, Part part, Predicate<Expr> asSet)
      throws SQLException {
    List<String> where = new ArrayList<>();
    List<Object> args = new ArrayList<>(plan.joinArgs());
    List<String> joins = new ArrayList<>(plan.joins());
    List<Key> keys = new ArrayList<>(plan.keys());
    String id = "runs.id";
    Key first = keys.get(0);
    if (part == Part.VALUED && plan.leadingAlias() == null) {
      // An attribute that a run may lack (duration, ended, exit_code...): those that have it in
      // the order of its index (migrations V1, V8), which no NULLS LAST keeps the database from
      // using (PostgreSQL keeps NULLs first when it reads an index backwards).
      where.add(first.sql() + " IS NOT NULL");
      keys.set(0, new Key(first.sql(), false, first.descending()));
    } else if (part == Part.VALUED) {
      // An inner join read from the field's index: its run_id is the id the index holds.
      joins.set(0, joins.get(0).replaceFirst("^LEFT JOIN ", "JOIN "));
      where.add(first.sql() + " IS NOT NULL");
      // A param's or tag's text is there whenever its number is: no key of this table is NULL
      // here, so the order is the index's own (PostgreSQL sorts NULLs first when descending).
      for (int i = 0; i < keys.size(); i++) {
        Key k = keys.get(i);
        if (k.sql().startsWith(plan.leadingAlias() + ".")) {
          keys.set(i, new Key(k.sql(), false, k.descending()));
        }
      }
      id = plan.leadingAlias() + ".run_id";
    } else if (part == Part.UNVALUED) {
      where.add(first.sql() + " IS NULL");
    }
    RunListing.filters(d, w.query(), where, args, asSet);
    where.addAll(w.more());
    args.addAll(w.moreArgs());
    String from = " FROM runs";
    if (part == Part.VALUED
        && plan.leadingAlias() == null
        && d == Dialect.SQLITE
        && INDEXES.containsKey(first.sql())
        && lures(w)
        && !fewMatch(c, where, args.subList(plan.joinArgs().size(), args.size()))) {
      // SQLite has no statistics: an equality on another indexed attribute (status = ...) would
      // make it start from that index and sort every match; there are many, so the order's own
      // index is walked instead and the page fills after a share of it.
      from = " FROM runs INDEXED BY " + INDEXES.get(first.sql());
    }
    if (w.afterId() != null) {
      where.add(after(keys, w.after(), id, w.afterId(), args));
    }
    List<String> select = new ArrayList<>();
    List<String> orderBy = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      Key k = keys.get(i);
      select.add(k.sql() + " AS k" + i);
      orderBy.add(
          k.sql() + (k.descending() ? " DESC" : " ASC") + (k.nullable() ? " NULLS LAST" : ""));
    }
    orderBy.add(id + (first.descending() ? " DESC" : " ASC"));
    String sql =
        RunRows.SELECT.replaceFirst(" FROM runs$", ", " + String.join(", ", select) + from)
            + (joins.isEmpty() ? "" : " " + String.join(" ", joins))
            + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
            + " ORDER BY "
            + String.join(", ", orderBy)
            + " LIMIT ?";
    args.add(w.limit());
    List<Row> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      RunRows.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<Object> values = new ArrayList<>();
          for (int i = 0; i < keys.size(); i++) {
            values.add(rs.getObject("k" + i));
          }
          out.add(new Row(RunRows.read(rs), values));
        }
      }
    }
    return out;
  }

  /**
   * The index of table runs on each attribute key that has one, by the key's SQL (migration V8).
   */
  private static final Map<String, String> INDEXES =
      Map.of(FilterSql.column(Attribute.DURATION), "runs_by_duration");

  /** Whether the window has a condition on an attribute, which SQLite may start from instead. */
  private static boolean lures(Window w) {
    RunQuery q = w.query();
    return q.experiment() != null
        || (q.statuses() != null && !q.statuses().isEmpty())
        || q.runConfiguration() != null
        || q.target() != null
        || q.script() != null
        || q.sweepId() != null
        || q.createdAfter() != null
        || q.createdBefore() != null
        || (q.runFilter().where() != null && FilterSql.namesAttribute(q.runFilter().where()));
  }

  /**
   * Whether fewer than {@value FilterSql#RARE} runs match {@code where}: then starting from the
   * index SQLite picks and sorting them costs less than walking the order's index. Counting stops
   * at that number.
   */
  private static boolean fewMatch(Connection c, List<String> where, List<Object> args)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COUNT(*) FROM (SELECT 1 FROM runs WHERE "
                + String.join(" AND ", where)
                + " LIMIT "
                + FilterSql.RARE
                + ") x")) {
      RunRows.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getLong(1) < FilterSql.RARE;
      }
    }
  }

  /** The key values of run {@code runId}, or null when it is not in the history. */
  static List<Object> keysOf(Connection c, Plan plan, String runId) throws SQLException {
    List<String> select = new ArrayList<>();
    for (int i = 0; i < plan.keys().size(); i++) {
      select.add(plan.keys().get(i).sql());
    }
    String sql =
        "SELECT "
            + String.join(", ", select)
            + " FROM runs "
            + String.join(" ", plan.joins())
            + " WHERE runs.id = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int a = 1;
      for (Object arg : plan.joinArgs()) {
        ps.setObject(a++, arg);
      }
      ps.setString(a, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < select.size(); i++) {
          keys.add(rs.getObject(i + 1));
        }
        return keys;
      }
    }
  }

  /**
   * Rows strictly after (values, id) in the order: greater on the first key, or equal on it and
   * greater on the next, and so on, with the id last. NULL sorts last, so after a NULL only NULLs
   * come. The first key's bound alone comes first, so an index on it limits the range read.
   */
  private static String after(
      List<Key> keys, List<Object> values, String idColumn, String id, List<Object> args) {
    List<String> any = new ArrayList<>();
    List<Object> anyArgs = new ArrayList<>();
    List<String> equal = new ArrayList<>();
    List<Object> equalArgs = new ArrayList<>();
    for (int i = 0; i <= keys.size(); i++) {
      boolean idKey = i == keys.size();
      Key k = idKey ? new Key(idColumn, false, keys.get(0).descending()) : keys.get(i);
      Object v = idKey ? id : values.get(i);
      if (v != null) {
        String greater =
            k.sql()
                + (k.descending() ? " < ?" : " > ?")
                + (k.nullable() ? " OR " + k.sql() + " IS NULL" : "");
        List<String> parts = new ArrayList<>(equal);
        parts.add("(" + greater + ")");
        any.add("(" + String.join(" AND ", parts) + ")");
        anyArgs.addAll(equalArgs);
        anyArgs.add(v);
      }
      if (!idKey) {
        equal.add(v == null ? k.sql() + " IS NULL" : k.sql() + " = ?");
        if (v != null) {
          equalArgs.add(v);
        }
      }
    }
    Key first = keys.get(0);
    Object firstValue = values.get(0);
    if (!first.nullable() && firstValue != null) {
      args.add(firstValue);
      args.addAll(anyArgs);
      return first.sql()
          + (first.descending() ? " <= ?" : " >= ?")
          + " AND ("
          + String.join(" OR ", any)
          + ")";
    }
    args.addAll(anyArgs);
    return "(" + String.join(" OR ", any) + ")";
  }
}
