package io.labrun.core.config;

import io.labrun.core.error.LabrunException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them on a command line or in a run configuration: {@code 90s}, {@code
 * 30m}, {@code 2h}, {@code 1h30m}, {@code 1d}, a bare number of seconds ({@code 90}) or ISO 8601
 * ({@code PT5M}). Zero and negative durations are not durations here.
 */
public final class Durations {
  private static final Pattern UNITS =
      Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");
  private static final long[] SECONDS = {86_400, 3_600, 60, 1};

  private Durations() {}

  /** The duration {@code text} means, or empty when it is not one. */
  public static Optional<Duration> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return positive(Duration.parse(t.toUpperCase(Locale.ROOT)));
      }
      if (t.matches("\\d{1,12}")) {
        return positive(Duration.ofSeconds(Long.parseLong(t)));
      }
      Matcher m = UNITS.matcher(t);
      if (t.isEmpty() || t.length() > 40 || !m.matches()) {
        return Optional.empty();
      }
      Duration d = Duration.ZERO;
      for (int i = 0; i < SECONDS.length; i++) {
        if (m.group(i + 1) != null) {
          d = d.plusSeconds(Math.multiplyExact(Long.parseLong(m.group(i + 1)), SECONDS[i]));
        }
      }
      return positive(d);
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Like {@link #parse(String)}, with a one-line error naming {@code what} (an option or key). */
  public static Duration require(String text, String what) {
    return parse(text)
        .orElseThrow(
            () ->
                LabrunException.badInput(
                    what
                        + " must be a duration such as 90s, 30m, 2h or 1h30m, got '"
                        + text
                        + "'"));
  }

  /** The shortest of the forms above that reads back as {@code d}: {@code 1h30m}, {@code 90s}. */
  public static String format(Duration d) {
    long s = d.getSeconds();
    if (d.getNano() != 0 || s <= 0) {
      return d.toString();
    }
    StringBuilder b = new StringBuilder();
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < SECONDS.length; i++) {
      long n = s / SECONDS[i];
      if (n > 0) {
        b.append(n).append(names[i]);
        s -= n * SECONDS[i];
      }
    }
    return b.toString();
  }

  private static Optional<Duration> positive(Duration d) {
    return d.isNegative() || d.isZero() ? Optional.empty() : Optional.of(d);
  }
}
