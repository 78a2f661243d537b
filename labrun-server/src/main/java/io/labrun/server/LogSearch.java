package io.labrun.server;

import io.labrun.core.run.LogRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Finds the records of a run's stored output that contain a text or match a regular expression,
 * reading the log forward from an offset in pieces, so a log of gigabytes costs no more memory than
 * one piece. Each search is bounded: it stops at {@code limit} matches, after {@link #MAX_SCAN}
 * bytes or after {@link #MAX_MILLIS} ms, and says where to go on ({@code nextOffset}). A regular
 * expression that backtracks for ever is cut at the same deadline.
 */
final class LogSearch {
  static final long MAX_SCAN = 256L << 20;
  static final long MAX_MILLIS = 2_000;
  private static final int PIECE = 1 << 20;

  private final Pattern pattern;

  /** A search: {@code query} as text, or as a Java regular expression when {@code regex}. */
  LogSearch(String query, boolean regex, boolean ignoreCase) {
    if (query == null || query.isEmpty()) {
      throw ApiError.badRequest("'q' is required: the text to find in the run's output");
    }
    int flags = ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
    try {
      this.pattern = Pattern.compile(regex ? query : Pattern.quote(query), flags);
    } catch (PatternSyntaxException e) {
      throw ApiError.badRequest(
          "'" + query + "' is not a regular expression: " + e.getDescription());
    }
  }

  /** A record that matched, and where the first match is in its text. */
  record Hit(LogRecord record, int start, int end) {}

  /**
   * What one search found: the hits, where the next search starts, and whether it read to the end
   * of the log.
   */
  record Found(List<Hit> hits, long nextOffset, boolean reachedEnd, boolean timedOut) {}

  Found search(RunLog log, long offset, int limit) throws IOException {
    long deadline = System.currentTimeMillis() + MAX_MILLIS;
    List<Hit> hits = new ArrayList<>();
    long at = offset;
    long size = log.size();
    while (at < size && at - offset < MAX_SCAN && hits.size() < limit) {
      if (System.currentTimeMillis() > deadline) {
        return new Found(hits, at, false, true);
      }
      List<LogRecord> records = log.read(at, PIECE);
      if (records.isEmpty()) {
        break;
      }
      for (LogRecord r : records) {
        Matcher m = pattern.matcher(new Bounded(r.text(), deadline));
        try {
          if (m.find()) {
            hits.add(new Hit(r, m.start(), m.end()));
          }
        } catch (Bounded.TooLong e) {
          return new Found(hits, r.offset(), false, true);
        }
        at = r.nextOffset();
        if (hits.size() == limit) {
          break;
        }
      }
    }
    return new Found(hits, at, at >= log.size(), false);
  }

  /** Text that stops a regular expression at the deadline (Pattern reads it char by char). */
  private static final class Bounded implements CharSequence {
    private final String text;
    private final long deadline;
    private int reads;

    Bounded(String text, long deadline) {
      this.text = text;
      this.deadline = deadline;
    }

    /** Thrown out of the matcher when the search's time is up. */
    static final class TooLong extends RuntimeException {
      TooLong() {
        super(null, null, false, false);
      }
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public char charAt(int index) {
      if (++reads % 100_000 == 0 && System.currentTimeMillis() > deadline) {
        throw new TooLong();
      }
      return text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return text.subSequence(start, end);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
