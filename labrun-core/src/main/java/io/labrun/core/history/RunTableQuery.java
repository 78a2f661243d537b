package io.labrun.core.history;

import io.labrun.core.run.RunQuery;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One page of the runs table a person browses: the filters of {@link RunQuery} (its own cursor and
 * limit are not used), conditions on the last value of metrics ({@code accuracy > 0.9}), an order
 * by a column or a metric, and an opaque keyset cursor from the previous page.
 *
 * @param metricColumns metrics whose last value should come with each run of the page
 */
public record RunTableQuery(
    RunQuery filter,
    List<MetricCondition> conditions,
    Sort sort,
    List<String> metricColumns,
    String cursor,
    int limit) {
  public RunTableQuery {
    filter = filter == null ? RunQuery.all() : filter;
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
    sort = sort == null ? Sort.NEWEST_FIRST : sort;
    metricColumns = metricColumns == null ? List.of() : List.copyOf(metricColumns);
  }

  /** The columns a page can be ordered by, besides metrics. */
  public enum Column {
    CREATED,
    STARTED,
    ENDED,
    DURATION,
    STATUS,
    SCRIPT,
    TARGET,
    RUN_CONFIGURATION,
    EXPERIMENT,
    EXIT_CODE,
    RUN_ID;

    /** {@code created}, {@code run_configuration}...: the names the API and the CLI use. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Column> parse(String key) {
      for (Column c : values()) {
        if (c.key().equals(key)) {
          return Optional.of(c);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * Order by a column or, when {@code metric} is set, by that metric's last value. Missing values
   * go last.
   */
  public record Sort(Column column, String metric, boolean descending) {
    public static final Sort NEWEST_FIRST = new Sort(Column.CREATED, null, true);

    public Sort {
      if ((column == null) == (metric == null)) {
        throw new IllegalArgumentException("a sort names a column or a metric");
      }
    }
  }

  /** A condition on the last value of a metric: runs without that metric never match. */
  public record MetricCondition(String metric, Op op, double value) {
    /** Comparison operators, with the symbols users type. */
    public enum Op {
      LT("<"),
      LE("<="),
      GT(">"),
      GE(">="),
      EQ("="),
      NE("!=");

      private final String symbol;

      Op(String symbol) {
        this.symbol = symbol;
      }

      public String symbol() {
        return symbol;
      }
    }
  }
}
