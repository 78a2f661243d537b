package io.labrun.app;

import io.labrun.core.error.LabrunException;
import io.labrun.core.history.RunStore;
import io.labrun.core.history.RunTableQuery;
import io.labrun.core.history.RunTableQuery.MetricCondition;
import io.labrun.core.history.RunTableQuery.Sort;
import io.labrun.core.run.Redaction;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.query.Field;
import io.labrun.core.run.query.Order;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One page of the runs table a person browses (the web UI's, {@code GET /api/v1/runs}): each run as
 * {@code RunView.row} shows it, with {@code metrics} (the last values of the metrics the page
 * needs) and, when asked, {@code params} and {@code tags}. {@code nextCursor} is null on the last
 * page (and with {@code after} paging, which has none).
 */
public record RunsPage(List<Map<String, Object>> rows, String nextCursor) {

  /**
   * What a page shows.
   *
   * @param filter the runs' filters (its own cursor and limit are not used)
   * @param filterText the filter expression as the user wrote it, for a server to parse (null:
   *     none)
   * @param where conditions on the last value of metrics
   * @param sort the order (null: newest first); an order by in the filter wins over it
   * @param columns the metrics, params and tags shown besides the run's own fields
   * @param after the command line's paging: the runs after this one, newest first (null: none)
   * @param cursor the table's paging: the previous page's next cursor (null: the first page)
   * @param limit at most this many runs
   */
  public record Query(
      RunQuery filter,
      String filterText,
      List<MetricCondition> where,
      Sort sort,
      Columns columns,
      String after,
      String cursor,
      int limit) {
    public Query {
      filter = filter == null ? RunQuery.all() : filter;
      where = where == null ? List.of() : List.copyOf(where);
      sort = sort == null ? Sort.NEWEST_FIRST : sort;
      columns = columns == null ? Columns.NONE : columns;
    }

    /**
     * The page's order: an order by in the filter wins over {@code sort} (the UI sends its column
     * sort with every page).
     */
    public Sort order() {
      return filter.runFilter().order().isEmpty() ? sort : Sort.NEWEST_FIRST;
    }

    /**
     * {@code after} pages newest first by the filters alone (as {@code labrun history list
     * --after}); the table's conditions, orders and cursors need the table's paging.
     */
    public boolean pagesAfter() {
      if (after == null) {
        return false;
      }
      if (!order().equals(Sort.NEWEST_FIRST) || !where.isEmpty() || cursor != null) {
        throw LabrunException.badInput(
            "'after' pages newest first without metric conditions or cursor; use 'cursor'"
                + " otherwise");
      }
      return true;
    }

    /** The runs {@code after} pages to. */
    public RunQuery listed() {
      return filter.withCursor(after).withLimit(limit);
    }

    /**
     * The table's query: the metrics fetched are those shown, the one sorted by, those the filter
     * orders by (by last value) and those the conditions name.
     */
    public RunTableQuery table() {
      List<String> metrics = new ArrayList<>(columns.metrics());
      Sort order = order();
      if (order.metric() != null && !metrics.contains(order.metric())) {
        metrics.add(order.metric());
      }
      for (Order o : filter.runFilter().order()) {
        if (o.field() instanceof Field.Metric m
            && m.aggregate() == Field.Aggregate.LAST
            && !metrics.contains(m.name())) {
          metrics.add(m.name());
        }
      }
      for (MetricCondition c : where) {
        if (!metrics.contains(c.metric())) {
          metrics.add(c.metric());
        }
      }
      return new RunTableQuery(filter, where, order, metrics, cursor, limit);
    }
  }

  /**
   * The columns a page shows besides the run's own: metrics by bare name or {@code metrics.NAME}
   * (their last values come with the page), params as {@code params.NAME} and tags as {@code
   * tags.NAME} (read for the page's runs only).
   */
  public record Columns(List<String> metrics, List<String> params, List<String> tags) {
    public static final Columns NONE = new Columns(List.of(), List.of(), List.of());

    public Columns {
      metrics = List.copyOf(metrics);
      params = List.copyOf(params);
      tags = List.copyOf(tags);
    }

    /** {@code accuracy,metrics.loss,params.lr,tags.team}: names separated by commas. */
    public static Columns parse(String text) {
      List<String> metrics = new ArrayList<>();
      List<String> params = new ArrayList<>();
      List<String> tags = new ArrayList<>();
      for (String c : text == null ? new String[0] : text.split(",")) {
        c = c.strip();
        if (c.isEmpty()) {
          continue;
        }
        if (c.startsWith("params.")) {
          params.add(c.substring("params.".length()));
        } else if (c.startsWith("tags.")) {
          tags.add(c.substring("tags.".length()));
        } else {
          metrics.add(c.startsWith("metrics.") ? c.substring("metrics.".length()) : c);
        }
      }
      return new Columns(metrics, params, tags);
    }

    /** As {@link #parse} reads them; null for none. */
    public String text() {
      List<String> all = new ArrayList<>();
      metrics.forEach(m -> all.add("metrics." + m));
      params.forEach(p -> all.add("params." + p));
      tags.forEach(t -> all.add("tags." + t));
      return all.isEmpty() ? null : String.join(",", all);
    }

    /** Adds the asked params and tags the run has to its row (secret-looking ones as ***). */
    void addNamed(Map<String, Object> row, String runId, RunStore store) {
      if (!params.isEmpty()) {
        row.put("params", picked(Redaction.named(store.params(runId)), params));
      }
      if (!tags.isEmpty()) {
        row.put("tags", picked(Redaction.named(store.tags(runId)), tags));
      }
    }

    private static Map<String, String> picked(Map<String, String> all, List<String> names) {
      Map<String, String> out = new LinkedHashMap<>();
      for (String n : names) {
        if (all.containsKey(n)) {
          out.put(n, all.get(n));
        }
      }
      return out;
    }
  }
}
