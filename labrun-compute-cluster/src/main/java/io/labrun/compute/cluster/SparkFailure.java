package io.labrun.compute.cluster;

import io.labrun.core.run.LogRecord;
import io.labrun.core.supervisor.OutputLogParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a {@code spark-submit} failed, in one line, from the run's stored output. Spark's reasons are
 * buried: its log lines, a stack trace, and for a Python driver the script's own stderr, which
 * Spark's PythonRunner merges into its stdout. The reason is the last line, on either stream, that
 * names an error: {@code Error: ...} (spark-submit refusing the submission), {@code SomeException:
 * ...} or {@code SomeError: ...} (the end of a Java or Python trace), or labrun's own {@code
 * labrun: ...} note. Spark's wrapper saying only "User application exited with N" repeats the exit
 * code and is skipped.
 */
final class SparkFailure {
  static final int TAIL_BYTES = 256 * 1024;
  private static final Pattern ERROR_LINE =
      Pattern.compile(
          "^(?:Exception in thread \"[^\"]*\""
              + " )?((?:[\\w$]+\\.)*[\\w$]*(?:Error|Exception)(?::\\s*.+)?)$");
  private static final Pattern NOTE = Pattern.compile("^(?:Error|labrun): .+");
  private static final int MAX_LENGTH = 500;

  private SparkFailure() {}

  static Optional<String> reason(Path outputLog) {
    try {
      return reason(
          RunFolder.local(outputLog.getParent())
              .tail(outputLog.getFileName().toString(), TAIL_BYTES));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The reason in the end of an output log ({@link #TAIL_BYTES} at most; a first partial record is
   * skipped).
   */
  static Optional<String> reason(RunFolder.Tail tail) {
    byte[] buf = tail.bytes();
    int from = 0;
    if (tail.cut()) {
      while (from < buf.length && buf[from] != '\n') {
        from++;
      }
      from = Math.min(from + 1, buf.length);
    }
    return reason(OutputLogParser.parse(buf, from, buf.length, from));
  }

  static Optional<String> reason(List<LogRecord> records) {
    String found = null;
    for (LogRecord r : records) {
      if (r.stream() == LogRecord.Stream.SYSTEM) {
        continue;
      }
      String line = r.text().strip();
      if (line.contains("SparkUserAppException")) {
        continue;
      }
      if (NOTE.matcher(line).matches()) {
        found = line;
        continue;
      }
      Matcher m = ERROR_LINE.matcher(line);
      if (m.matches() && m.group(1).contains(":")) {
        found = m.group(1);
      }
    }
    if (found == null) {
      return Optional.empty();
    }
    return Optional.of(
        found.length() > MAX_LENGTH ? found.substring(0, MAX_LENGTH) + "..." : found);
  }
}
