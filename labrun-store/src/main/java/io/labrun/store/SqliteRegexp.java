package io.labrun.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.sqlite.Function;

/**
 * SQLite has the {@code REGEXP} operator but no function behind it: this is one, with Java's
 * regular expressions, found anywhere in the text like PostgreSQL's {@code ~}. A NULL never
 * matches. Compiled patterns are kept per connection (a filter uses the same few for every row).
 */
final class SqliteRegexp extends Function {
  private static final int KEEP = 64;

  private final Map<String, Pattern> compiled =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Pattern> eldest) {
          return size() > KEEP;
        }
      };

  private SqliteRegexp() {}

  static void register(Connection c) throws SQLException {
    Function.create(c, "REGEXP", new SqliteRegexp(), 2, Function.FLAG_DETERMINISTIC);
  }

  /** {@code X REGEXP Y} calls {@code regexp(Y, X)}: the pattern comes first. */
  @Override
  protected void xFunc() throws SQLException {
    String pattern = value_text(0);
    String text = value_text(1);
    if (pattern == null || text == null) {
      result();
      return;
    }
    try {
      result(compiled.computeIfAbsent(pattern, Pattern::compile).matcher(text).find() ? 1 : 0);
    } catch (PatternSyntaxException e) {
      error("not a regular expression: " + pattern);
    }
  }
}
