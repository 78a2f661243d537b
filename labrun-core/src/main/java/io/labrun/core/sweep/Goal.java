package io.labrun.core.sweep;

import io.labrun.core.error.LabrunException;
import java.util.Comparator;
import java.util.Locale;

/** Whether a sweep's primary metric is better high (accuracy) or low (loss). */
public enum Goal {
  MAX,
  MIN;

  /** Orders values best first. */
  public int compare(double a, double b) {
    return this == MAX ? Double.compare(b, a) : Double.compare(a, b);
  }

  /**
   * Orders metric values best first, a run without one (null, or NaN: a value no goal can rank)
   * last; equal values keep their order when the sort is stable. Every ranking of a sweep's points
   * uses it: the web UI's sweep page and {@code history compare --sweep}.
   */
  public Comparator<Double> bestFirst() {
    return (a, b) -> {
      boolean noA = a == null || a.isNaN();
      boolean noB = b == null || b.isNaN();
      if (noA || noB) {
        return Boolean.compare(noA, noB);
      }
      return compare(a, b);
    };
  }

  public static Goal parse(String text) {
    if (text == null) {
      return MAX;
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "max", "maximize" -> MAX;
      case "min", "minimize" -> MIN;
      default -> throw LabrunException.badInput("--goal must be max or min, got '" + text + "'");
    };
  }
}
