package io.labrun.cli.output;

import io.burt.jmespath.Expression;
import io.burt.jmespath.JmesPathException;
import io.burt.jmespath.jcf.JcfRuntime;
import io.labrun.core.error.LabrunException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A {@code --query} JMESPath expression, checked when the command line is read (so a submit with a
 * bad query is refused before the run starts) and applied to a result. Every way a query can go
 * wrong, a syntax error, an unknown function, a type error on the result or nesting deep enough to
 * exhaust the parser's stack, is bad input.
 */
final class Query {
  private static final int MAX_NESTING = 100;
  private static final JcfRuntime RUNTIME = new JcfRuntime();

  private Query() {}

  static Expression<Object> compile(String query) {
    if (nesting(query) > MAX_NESTING) {
      throw LabrunException.badInput(
          "--query "
              + excerpt(query)
              + " nests brackets more than "
              + MAX_NESTING
              + " deep; write a simpler query");
    }
    try {
      return RUNTIME.compile(query);
    } catch (JmesPathException e) {
      throw LabrunException.badInput(
          "--query "
              + excerpt(query)
              + " is not a valid JMESPath expression: "
              + firstLine(e.getMessage()));
    }
  }

  static Object search(String query, Object data) {
    try {
      return compile(query).search(data);
    } catch (JmesPathException e) {
      throw LabrunException.badInput(
          "--query "
              + excerpt(query)
              + " does not fit this result: "
              + firstLine(e.getMessage())
              + "; see the result's fields with -o json");
    }
  }

  private static int nesting(String query) {
    int depth = 0;
    int max = 0;
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c == '(' || c == '[' || c == '{') {
        max = Math.max(max, ++depth);
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      }
    }
    return max;
  }

  private static String excerpt(String query) {
    return "'" + (query.length() > 60 ? query.substring(0, 60) + "..." : query) + "'";
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  /** Checks {@code --query} as picocli reads it. */
  static final class Converter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        compile(value);
      } catch (LabrunException e) {
        throw new TypeConversionException(e.getMessage());
      }
      return value;
    }
  }
}
