package io.labrun.core.sweep;

import io.labrun.core.error.LabrunException;
import java.util.Locale;

/** Whether a sweep's primary metric is better high (accuracy) or low (loss). */
public enum Goal {
  MAX,
  MIN;

  /** Orders values best first. */
  public int compare(double a, double b) {
    return this == MAX ? Double.compare(b, a) : Double.compare(a, b);
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
