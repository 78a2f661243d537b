package io.labrun.core.run;

import io.labrun.core.json.Json;
import java.time.Instant;

/**
 * One logged metric value. Scalars are in {@code value}; lists and dicts (which the original's
 * logger accepted too) keep their JSON text in {@code json} and have a null {@code value}.
 */
public record MetricPoint(String name, long step, Instant time, Double value, String json) {
  public boolean isScalar() {
    return value != null;
  }

  /**
   * The value as plain data for JSON output: the number, or the list or dict itself (not its text).
   */
  public Object plain() {
    return value != null ? value : Json.parse(json);
  }

  /** The value as display text: the number, or the JSON of a list or dict. */
  public String text() {
    return value == null ? json : text(value);
  }

  /** A number as display text: a whole number without its {@code .0}. */
  public static String text(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
