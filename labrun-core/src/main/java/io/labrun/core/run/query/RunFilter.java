package io.labrun.core.run.query;

import java.util.List;

/**
 * A filter of the run history as users write it, for {@code history list --filter}, the API and the
 * web UI: {@code metrics.acc > 0.5 or params.reg in (100, 1000) order by metrics.acc desc}. {@code
 * where} is null when every run matches; {@code order} is empty for newest first. The store runs it
 * as SQL in the database (see {@code docs/user-guide.md}, "Filtering runs").
 */
public record RunFilter(Expr where, List<Order> order) {
  public static final RunFilter ALL = new RunFilter(null, List.of());

  public RunFilter {
    order = order == null ? List.of() : List.copyOf(order);
  }

  /**
   * Parses a filter; a blank one matches every run. A mistake is a bad-input error naming its
   * column.
   */
  public static RunFilter parse(String text) {
    if (text == null || text.isBlank()) {
      return ALL;
    }
    return new Parser(Lexer.tokens(text)).filter();
  }
}
