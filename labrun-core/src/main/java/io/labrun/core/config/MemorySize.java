package io.labrun.core.config;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size as a {@code .compute} file writes it ({@code 512m}, {@code 2g}, {@code 1024k} or a number
 * of bytes), read in one place: by the project-format reader, which checks {@code memoryLimit} when
 * the file is read, and by the Docker target, which applies it.
 */
public final class MemorySize {
  /** Docker refuses a memory limit below this. */
  public static final long MINIMUM = 6L << 20;

  /** What a file or a message shows as the allowed values. */
  public static final String ALLOWED = "a size of at least 6m, such as 512m or 2g";

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?");

  private MemorySize() {}

  /** The size in bytes when {@code written} is one of at least {@link #MINIMUM}, else empty. */
  public static Optional<Long> parse(String written) {
    Matcher m = SIZE.matcher(written.strip().toLowerCase(Locale.ROOT));
    if (!m.matches() || m.group(1).length() > 15) {
      return Optional.empty();
    }
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    long n = Long.parseLong(m.group(1));
    long bytes = n > (Long.MAX_VALUE >> shift) ? -1 : n << shift;
    return bytes < MINIMUM ? Optional.empty() : Optional.of(bytes);
  }
}
