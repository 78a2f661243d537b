package io.labrun.server;

/**
 * The one HTTP byte range a download may ask for ({@code bytes=N-}, {@code bytes=N-M}, {@code
 * bytes=-K}).
 */
final class ByteRange {
  private ByteRange() {}

  /**
   * The first and last byte asked for, within {@code size}; null for no range or a form this server
   * answers with the whole file (several ranges, other units); an empty array when it starts past
   * the end.
   */
  static long[] parse(String header, long size) {
    if (header == null || !header.startsWith("bytes=") || header.contains(",")) {
      return null;
    }
    String spec = header.substring("bytes=".length()).strip();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String first = spec.substring(0, dash).strip();
      String last = spec.substring(dash + 1).strip();
      if (first.isEmpty()) { // the last K bytes
        long k = Long.parseLong(last);
        return k <= 0 ? new long[0] : new long[] {Math.max(0, size - k), size - 1};
      }
      long start = Long.parseLong(first);
      long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
      if (start < 0 || end < start && start < size) {
        return null;
      }
      return start >= size ? new long[0] : new long[] {start, end};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
