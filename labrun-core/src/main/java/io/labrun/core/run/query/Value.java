package io.labrun.core.run.query;

/**
 * A value written in a filter, already in the form the store compares: times and durations are
 * milliseconds, statuses their stored name.
 */
public sealed interface Value {
  /** A number (a time in epoch milliseconds, a duration in milliseconds). */
  record Num(double value) implements Value {}

  /** Text, compared as text. */
  record Text(String value) implements Value {}

  /**
   * The right side of {@code ~}: a glob ({@code "vision*"}: {@code *} any text, {@code ?} one
   * character, matching the whole value) or a regular expression ({@code /^vis.*n$/}, found
   * anywhere in the value unless anchored).
   */
  record Pattern(String pattern, boolean regex) implements Value {}
}
