package io.labrun.core.sweep;

import io.labrun.core.error.LabrunException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One swept parameter, as given on the command line: {@code reg=10,5,2.5} (a list of values),
 * {@code epochs=1..10} (whole numbers, both ends included) or {@code lr=0.001..0.1} (real numbers).
 * A real range is drawn log-uniformly when both ends are positive and the upper is more than ten
 * times the lower (it spans more than a decade, as learning rates and regularization strengths do),
 * uniformly otherwise.
 */
public sealed interface Parameter {
  Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
  Pattern INTEGER = Pattern.compile("[+-]?\\d{1,15}");
  Pattern RANGE = Pattern.compile("(.+?)\\.\\.(.+)");

  /** A grid of a whole-number range larger than this is surely a mistake. */
  int MAX_GRID_VALUES = 10_000;

  String name();

  /** Every value, in order, for a grid; a real range has none and is refused. */
  List<String> gridValues();

  /** One value drawn at random. */
  String draw(Random random);

  /** A list of values; drawn uniformly. */
  record Choice(String name, List<String> values) implements Parameter {
    public Choice {
      values = List.copyOf(values);
    }

    @Override
    public List<String> gridValues() {
      return values;
    }

    @Override
    public String draw(Random random) {
      return values.get((int) Math.floor(random.nextDouble() * values.size()));
    }
  }

  /** Whole numbers from {@code low} to {@code high}, both included; drawn uniformly. */
  record IntRange(String name, long low, long high) implements Parameter {
    @Override
    public List<String> gridValues() {
      if (high - low >= MAX_GRID_VALUES) {
        throw LabrunException.badInput(
            "--grid "
                + name
                + "="
                + low
                + ".."
                + high
                + " has more than "
                + MAX_GRID_VALUES
                + " values; draw some with --random N instead");
      }
      List<String> out = new ArrayList<>();
      for (long v = low; v <= high; v++) {
        out.add(Long.toString(v));
      }
      return out;
    }

    @Override
    public String draw(Random random) {
      return Long.toString(low + (long) Math.floor(random.nextDouble() * (high - low + 1)));
    }
  }

  /** Real numbers from {@code low} to {@code high}; log-uniform when {@link #logScale()}. */
  record RealRange(String name, double low, double high) implements Parameter {
    /** Both ends positive and more than a decade apart. */
    public boolean logScale() {
      return low > 0 && high / low > 10;
    }

    @Override
    public List<String> gridValues() {
      throw LabrunException.badInput(
          name
              + "="
              + text(low)
              + ".."
              + text(high)
              + " is a range of real numbers: a grid needs values"
              + " ("
              + name
              + "="
              + text(low)
              + ","
              + text(high)
              + ") or whole-number ends; or draw from it with --random N");
    }

    @Override
    public String draw(Random random) {
      double u = random.nextDouble();
      double v =
          logScale()
              ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low)))
              : low + u * (high - low);
      return text(Math.min(high, Math.max(low, v)));
    }

    /** Six significant digits, without an exponent or trailing zeros: 0.00123457, 12.5. */
    static String text(double v) {
      return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }
  }

  /** Reads {@code name=v1,v2,...} or {@code name=low..high}; one-line errors for anything else. */
  static Parameter parse(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0) {
      throw LabrunException.badInput(
          "parameter '" + spec + "' must be NAME=VALUES, e.g. reg=10,5,2.5 or lr=0.001..0.1");
    }
    String name = spec.substring(0, eq).strip();
    String values = spec.substring(eq + 1).strip();
    if (!NAME.matcher(name).matches()) {
      throw LabrunException.badInput(
          "parameter name '"
              + name
              + "' must start with a letter or _ and hold only letters, digits, _, . and -");
    }
    Matcher range = RANGE.matcher(values);
    if (range.matches() && !values.contains(",")) {
      return range(name, range.group(1).strip(), range.group(2).strip());
    }
    List<String> list = new ArrayList<>();
    for (String v : values.split(",", -1)) {
      if (v.isBlank()) {
        throw LabrunException.badInput(
            "parameter "
                + name
                + " has an empty value in '"
                + values
                + "'; separate values with single commas");
      }
      list.add(v.strip());
    }
    return new Choice(name, list);
  }

  private static Parameter range(String name, String from, String to) {
    if (INTEGER.matcher(from).matches() && INTEGER.matcher(to).matches()) {
      long low = Long.parseLong(from);
      long high = Long.parseLong(to);
      if (low > high) {
        throw LabrunException.badInput(
            "range " + name + "=" + from + ".." + to + " goes down; write the lower end first");
      }
      return new IntRange(name, low, high);
    }
    double low = number(name, from);
    double high = number(name, to);
    if (!(low < high)) {
      throw LabrunException.badInput(
          "range "
              + name
              + "="
              + from
              + ".."
              + to
              + " is empty or goes down; write the lower end first");
    }
    return new RealRange(name, low, high);
  }

  private static double number(String name, String text) {
    try {
      double v = Double.parseDouble(text);
      if (Double.isFinite(v) && !text.matches("(?i).*[a-z&&[^e]].*")) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw LabrunException.badInput(
        "range of "
            + name
            + ": '"
            + text
            + "' is not a number; a range is LOW..HIGH, e.g. 0.001..0.1 or 1..10");
  }
}
