package io.labrun.core.run.query;

import io.labrun.core.run.RunStatus;
import io.labrun.core.run.query.Expr.Between;
import io.labrun.core.run.query.Expr.Op;
import io.labrun.core.run.query.Token.Type;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Turns the token on the right of a comparison into the {@link Value} the store compares, by the
 * field's kind: metrics take numbers, times a date in quotes, durations a number with a unit,
 * statuses one of the run states. A value of the wrong kind is a syntax error at its column.
 */
final class ComparedValues {
  private static final Map<String, Long> UNITS =
      Map.of("", 1_000L, "ms", 1L, "s", 1_000L, "m", 60_000L, "h", 3_600_000L, "d", 86_400_000L);

  private ComparedValues() {}

  static Value of(Field field, Op op, Token t) {
    boolean match = op == Op.MATCH || op == Op.NOT_MATCH;
    if (match) {
      return pattern(field, op, t);
    }
    if (t.is(Type.REGEX)) {
      throw Syntax.at(
          t,
          "a /regular expression/ goes with ~ or !~, like "
              + field.text()
              + " ~ /"
              + t.text()
              + "/");
    }
    if (field instanceof Field.Metric) {
      return number(field, t);
    }
    if (field instanceof Field.Attr a) {
      return attribute(a.attribute(), op, t);
    }
    if (t.is(Type.NUMBER)) {
      noUnit(t, field);
      return new Value.Num(Double.parseDouble(t.text()));
    }
    return text(field, t);
  }

  static Between between(Field field, Token low, Token high) {
    Value lo = of(field, Op.GE, low);
    Value hi = of(field, Op.LE, high);
    if (lo.getClass() != hi.getClass()) {
      throw Syntax.at(high, "both ends of between must be numbers or both text");
    }
    return new Between(field, lo, hi);
  }

  private static Value pattern(Field field, Op op, Token t) {
    boolean text =
        field instanceof Field.Param
            || field instanceof Field.Tag
            || field instanceof Field.Attr a
                && a.attribute().kind() == Attribute.Kind.TEXT
                && a.attribute() != Attribute.STATUS;
    if (!text) {
      throw Syntax.at(
          t,
          op.symbol()
              + " matches text; "
              + field.text()
              + " takes =, !=, <, <=, >, >=, in or between");
    }
    if (t.is(Type.REGEX)) {
      try {
        Pattern.compile(t.text());
      } catch (PatternSyntaxException e) {
        throw Syntax.at(t, "/" + t.text() + "/ is not a regular expression: " + e.getDescription());
      }
      return new Value.Pattern(t.text(), true);
    }
    if (t.is(Type.STRING)) {
      return new Value.Pattern(t.text(), false);
    }
    throw Syntax.at(
        t,
        "expected a \"glob*\" or a /regular expression/ after "
            + op.symbol()
            + ", found "
            + t.shown());
  }

  private static Value attribute(Attribute a, Op op, Token t) {
    return switch (a.kind()) {
      case TEXT -> a == Attribute.STATUS ? status(t) : new Value.Text(textOrNumber(a, t));
      case NUMBER -> number(new Field.Attr(a), t);
      case TIME -> time(a, t);
      case DURATION -> duration(t);
    };
  }

  private static String textOrNumber(Attribute a, Token t) {
    if (t.is(Type.NUMBER)) {
      return t.text() + t.unit();
    }
    return ((Value.Text) text(new Field.Attr(a), t)).value();
  }

  private static Value text(Field field, Token t) {
    if (!t.is(Type.STRING)) {
      throw Syntax.at(
          t,
          "expected a value for "
              + field.text()
              + " (a number or \"text\" in quotes), found "
              + t.shown());
    }
    return new Value.Text(t.text());
  }

  private static Value number(Field field, Token t) {
    if (!t.is(Type.NUMBER)) {
      throw Syntax.at(t, field.text() + " is compared with a number, found " + t.shown());
    }
    noUnit(t, field);
    return new Value.Num(Double.parseDouble(t.text()));
  }

  private static void noUnit(Token t, Field field) {
    if (!t.unit().isEmpty()) {
      throw Syntax.at(
          t,
          "'"
              + t.unit()
              + "' after a number only goes with duration (60s, 5m, 2h, 1d); write "
              + t.text()
              + " for "
              + field.text());
    }
  }

  private static Value status(Token t) {
    if (!t.is(Type.STRING) && !t.is(Type.WORD)) {
      throw Syntax.at(t, "expected a status in quotes, found " + t.shown());
    }
    return RunStatus.parse(t.text())
        .map(s -> (Value) new Value.Text(s.name()))
        .orElseThrow(
            () ->
                Syntax.at(
                    t,
                    "'"
                        + t.text()
                        + "' is not a status; use one of "
                        + Arrays.stream(RunStatus.values())
                            .map(RunStatus::display)
                            .collect(Collectors.joining(", "))));
  }

  /**
   * A date ({@code "2026-12-01"}, midnight UTC) or a time ({@code "2026-12-01T10:00:00Z"}; UTC
   * unless an offset is given).
   */
  private static Value time(Attribute a, Token t) {
    if (t.is(Type.STRING)) {
      String s = t.text().strip();
      try {
        return new Value.Num(
            s.length() == 10
                ? LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()
                : instant(s).toEpochMilli());
      } catch (DateTimeParseException e) {
        // said below
      }
    }
    throw Syntax.at(
        t,
        a.key()
            + " is compared with a date or time in quotes, like \"2026-12-01\" or"
            + " \"2026-12-01T10:00:00Z\", found "
            + t.shown());
  }

  private static Instant instant(String s) {
    String iso = s.replace(' ', 'T');
    try {
      return OffsetDateTime.parse(iso).toInstant();
    } catch (DateTimeParseException e) {
      return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
    }
  }

  /** {@code 90}, {@code 90s}, {@code 1.5h}...: milliseconds; a bare number is seconds. */
  private static Value duration(Token t) {
    Long unit = t.is(Type.NUMBER) ? UNITS.get(t.unit()) : null;
    if (unit == null) {
      throw Syntax.at(
          t,
          "duration is compared with a number of seconds or a time with its unit (500ms, 60s, 5m,"
              + " 2h, 1d), found "
              + t.shown());
    }
    return new Value.Num(Double.parseDouble(t.text()) * unit);
  }
}
