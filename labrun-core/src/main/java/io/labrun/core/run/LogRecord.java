package io.labrun.core.run;

import java.time.Instant;

/**
 * A piece of a run's output: a line (without its newline) or, when {@code endsLine} is false, a
 * chunk the script wrote without a newline yet (a progress bar). {@code offset} is where the record
 * starts in the stored log, so a reader can resume exactly after it.
 */
public record LogRecord(
    Instant time, Stream stream, String text, boolean endsLine, long offset, long nextOffset) {
  /** Which stream of the script a record came from. */
  public enum Stream {
    STDOUT,
    STDERR,
    /** labrun's own notes in the log (truncation, cancel). */
    SYSTEM
  }
}
