package io.labrun.store;

import io.labrun.core.run.query.Attribute;
import io.labrun.core.run.query.Expr;
import io.labrun.core.run.query.Expr.And;
import io.labrun.core.run.query.Expr.Between;
import io.labrun.core.run.query.Expr.Compare;
import io.labrun.core.run.query.Expr.In;
import io.labrun.core.run.query.Expr.Not;
import io.labrun.core.run.query.Expr.Op;
import io.labrun.core.run.query.Expr.Or;
import io.labrun.core.run.query.Field;
import io.labrun.core.run.query.Value;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A run filter's condition as SQL on table {@code runs}, every value a parameter. A condition on a
 * metric, param or tag is written one of two ways, both false, never NULL, for a run without that
 * field, so {@code not} is simply the runs the inner condition does not match:
 *
 * <ul>
 *   <li>a set, {@code runs.id IN (SELECT run_id FROM ... WHERE name = ? AND ...)}, read from the
 *       (name, value, run_id) indexes: the database can start from it, which is what a rare
 *       condition or an order by other than newest first needs;
 *   <li>a probe, {@code EXISTS (SELECT 1 FROM ... x WHERE x.run_id = runs.id AND ...)}, one
 *       primary-key lookup per run: walking the newest runs until a page is full stops after a few
 *       hundred runs when the condition is common, where building its set would read all of them.
 * </ul>
 *
 * Attribute conditions are made two-valued the same way ({@code column IS NOT NULL AND ...}).
 */
final class FilterSql {
  /** A condition matching fewer runs than this is a set the query starts from. */
  static final int RARE = 2_000;

  private final Dialect dialect;
  private final List<Object> args;
  private final Predicate<Expr> asSet;

  private FilterSql(Dialect dialect, List<Object> args, Predicate<Expr> asSet) {
    this.dialect = dialect;
    this.args = args;
    this.asSet = asSet;
  }

  /**
   * The condition's SQL; its parameters are appended to {@code args} in order. The conditions on
   * metrics, params and tags that {@code asSet} accepts are sets, the others probes.
   */
  static String of(Dialect dialect, Expr e, List<Object> args, Predicate<Expr> asSet) {
    return new FilterSql(dialect, args, asSet).expr(e);
  }

  /**
   * For a walk of the runs newest first: the conditions on metrics, params and tags that must hold
   * (the whole filter or one of its top-level {@code and} parts) and match fewer than {@value
   * #RARE} runs. Counting stops at that number, so each costs at most that many index entries.
   */
  static Set<Expr> rare(Connection c, Dialect dialect, Expr where) throws SQLException {
    List<Expr> musts = where instanceof And and ? and.parts() : List.of(where);
    Set<Expr> out = new HashSet<>();
    for (Expr e : musts) {
      if (e instanceof And
          || e instanceof Or
          || e instanceof Not
          || field(e) instanceof Field.Attr) {
        continue;
      }
      List<Object> args = new ArrayList<>();
      String set = new FilterSql(dialect, args, x -> true).expr(e);
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT COUNT(*) FROM ("
                  + set.substring("runs.id IN (".length(), set.length() - 1)
                  + " LIMIT "
                  + RARE
                  + ") x")) {
        RunRows.bind(ps, args);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && rs.getLong(1) < RARE) {
            out.add(e);
          }
        }
      }
    }
    return out;
  }

  private String expr(Expr e) {
    if (e instanceof And and) {
      return and.parts().stream().map(this::expr).collect(Collectors.joining(" AND ", "(", ")"));
    }
    if (e instanceof Or or) {
      return or.parts().stream().map(this::expr).collect(Collectors.joining(" OR ", "(", ")"));
    }
    if (e instanceof Not not) {
      return "NOT (" + expr(not.inner()) + ")";
    }
    Field field = field(e);
    if (field instanceof Field.Attr a) {
      String column = column(a.attribute());
      return "("
          + column
          + " IS NOT NULL AND "
          + condition(e, column, column, isInteger(a.attribute()))
          + ")";
    }
    String table =
        field instanceof Field.Metric
            ? "metric_last"
            : field instanceof Field.Param ? "params" : "tags";
    String number = field instanceof Field.Metric m ? metricColumn(m.aggregate()) : "num";
    args.add(
        field instanceof Field.Metric m
            ? m.name()
            : field instanceof Field.Param p ? p.name() : ((Field.Tag) field).name());
    if (asSet.test(e)) {
      return "runs.id IN (SELECT run_id FROM "
          + table
          + " WHERE name = ? AND "
          + condition(e, number, "value", false)
          + ")";
    }
    return "EXISTS (SELECT 1 FROM "
        + table
        + " x WHERE x.run_id = runs.id AND x.name = ? AND "
        + condition(e, dialect.unindexed("x." + number), dialect.unindexed("x.value"), false)
        + dialect.probeEnd()
        + ")";
  }

  /** The comparison, on {@code number} for a number and on {@code text} for text or a pattern. */
  private String condition(Expr e, String number, String text, boolean integer) {
    if (e instanceof Compare c) {
      String column = c.value() instanceof Value.Num ? number : text;
      if (c.value() instanceof Value.Pattern p) {
        String match = p.regex() ? dialect.regexp(column) : dialect.glob(column);
        args.add(p.regex() ? p.pattern() : dialect.globArgument(p.pattern()));
        return "("
            + column
            + " IS NOT NULL AND "
            + (c.op() == Op.NOT_MATCH ? "NOT (" + match + ")" : match)
            + ")";
      }
      bind(c.value(), integer);
      if (c.op() == Op.NE) {
        // A param written as text is "not 100"; a run without the param is not there to compare.
        return "(" + column + " IS NULL OR " + column + " <> ?)";
      }
      return column + " " + c.op().symbol() + " ?";
    }
    if (e instanceof Between b) {
      String column = b.low() instanceof Value.Num ? number : text;
      bind(b.low(), integer);
      bind(b.high(), integer);
      return column + " BETWEEN ? AND ?";
    }
    In in = (In) e;
    List<String> any = new ArrayList<>();
    List<Value> numbers = in.values().stream().filter(v -> v instanceof Value.Num).toList();
    List<Value> texts = in.values().stream().filter(v -> !(v instanceof Value.Num)).toList();
    for (List<Value> group : List.of(numbers, texts)) {
      if (!group.isEmpty()) {
        any.add(
            (group == numbers ? number : text)
                + " IN ("
                + group.stream().map(v -> "?").collect(Collectors.joining(", "))
                + ")");
        group.forEach(v -> bind(v, integer));
      }
    }
    return any.size() == 1 ? any.get(0) : "(" + String.join(" OR ", any) + ")";
  }

  /**
   * An integral number compared with an integer column is bound as one, so PostgreSQL uses the
   * column's index.
   */
  private void bind(Value v, boolean integer) {
    if (v instanceof Value.Num n) {
      double d = n.value();
      args.add(integer && d == Math.rint(d) && Math.abs(d) < 9e18 ? (Object) (long) d : (Object) d);
    } else {
      args.add(((Value.Text) v).value());
    }
  }

  /** Whether the condition compares any of the run's own attributes (status, target...). */
  static boolean namesAttribute(Expr e) {
    if (e instanceof And and) {
      return and.parts().stream().anyMatch(FilterSql::namesAttribute);
    }
    if (e instanceof Or or) {
      return or.parts().stream().anyMatch(FilterSql::namesAttribute);
    }
    if (e instanceof Not not) {
      return namesAttribute(not.inner());
    }
    return field(e) instanceof Field.Attr;
  }

  private static Field field(Expr e) {
    if (e instanceof Compare c) {
      return c.field();
    }
    if (e instanceof Between b) {
      return b.field();
    }
    return ((In) e).field();
  }

  static String metricColumn(Field.Aggregate aggregate) {
    return switch (aggregate) {
      case LAST -> "value";
      case MIN -> "lo";
      case MAX -> "hi";
    };
  }

  static String column(Attribute a) {
    return switch (a) {
      case ID -> "runs.id";
      case STATUS -> "status";
      case EXPERIMENT -> "experiment";
      case TARGET -> "target";
      case SCRIPT -> "script";
      case RUN_CONFIGURATION -> "run_configuration";
      case USER -> "user_name";
      case SWEEP -> "sweep_id";
      case CREATED -> "created_ms";
      case STARTED -> "started_ms";
      case ENDED -> "ended_ms";
      case DURATION -> "(ended_ms - started_ms)";
      case EXIT_CODE -> "exit_code";
    };
  }

  static boolean isInteger(Attribute a) {
    return a.kind() != Attribute.Kind.TEXT;
  }
}
