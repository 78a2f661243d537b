package io.labrun.store;

import java.util.regex.Pattern;

/**
 * Which param and tag values are numbers, for column {@code num}: the same pattern migration V5
 * used on the values already recorded, so old and new rows agree. Bounded lengths keep every match
 * a finite double in both databases.
 */
final class ParamNumbers {
  static final Pattern NUMBER =
      Pattern.compile("^[-+]?([0-9]{1,30}[.]?[0-9]{0,30}|[.][0-9]{1,30})([eE][-+]?[0-9]{1,2})?$");

  private ParamNumbers() {}

  /** The value as a number, or null when it is text. */
  static Double of(String value) {
    return value != null && NUMBER.matcher(value).matches() ? Double.valueOf(value) : null;
  }
}
