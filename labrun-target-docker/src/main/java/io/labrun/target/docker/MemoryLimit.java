package io.labrun.target.docker;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.error.LabrunException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code memoryLimit} of a Docker compute target ({@code 512m}, {@code 2g}, or a number of
 * bytes): the most memory a run's container may use, swap included. Past it the kernel's
 * out-of-memory killer ends the biggest process, the script as a rule, and the run is retried
 * when it asked for retries.
 */
record MemoryLimit(long bytes, String written) {
  static final String KEY = "memoryLimit";
  /** Docker refuses less. */
  static final long MINIMUM = 6L << 20;
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?");

  /** The target's limit, if its file sets one; a value that is no size is one line saying what to write. */
  static Optional<MemoryLimit> of(ComputeTargetSpec spec) {
    Object v = spec.otherKeys().get(KEY);
    if (v == null) {
      return Optional.empty();
    }
    String written = String.valueOf(v).strip();
    Matcher m = SIZE.matcher(written.toLowerCase(Locale.ROOT));
    long bytes = -1;
    if (m.matches() && m.group(1).length() <= 15) {
      int shift = switch (m.group(2)) {
        case "k" -> 10;
        case "m" -> 20;
        case "g" -> 30;
        case "t" -> 40;
        default -> 0;
      };
      long n = Long.parseLong(m.group(1));
      bytes = n > (Long.MAX_VALUE >> shift) ? -1 : n << shift;
    }
    if (bytes < MINIMUM) {
      throw LabrunException.badInput(KEY + " in aml_config/" + spec.name() + ".compute must be a size of at least 6m, such as 512m or 2g; got "
          + (v instanceof String ? "\"" + written + "\"" : written));
    }
    return Optional.of(new MemoryLimit(bytes, written));
  }
}
