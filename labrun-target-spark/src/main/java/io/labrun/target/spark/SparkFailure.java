package io.labrun.target.spark;

import io.labrun.core.supervisor.OutputLogParser;
import io.labrun.core.tracking.LogRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a {@code spark-submit} failed, in one line, from the run's stored output. Spark's reasons
 * are buried: its log lines, a stack trace, and for a Python driver the script's own stderr,
 * which Spark's PythonRunner merges into its stdout. The reason is the last line, on either
 * stream, that names an error: {@code Error: ...} (spark-submit refusing the submission), {@code
 * SomeException: ...} or {@code SomeError: ...} (the end of a Java or Python trace), or labrun's
 * own {@code labrun: ...} note. Spark's wrapper saying only "User application exited with N"
 * repeats the exit code and is skipped.
 */
final class SparkFailure {
  private static final int TAIL_BYTES = 256 * 1024;
  private static final Pattern ERROR_LINE = Pattern.compile(
      "^(?:Exception in thread \"[^\"]*\" )?((?:[\\w$]+\\.)*[\\w$]*(?:Error|Exception)(?::\\s*.+)?)$");
  private static final Pattern NOTE = Pattern.compile("^(?:Error|labrun): .+");
  private static final int MAX_LENGTH = 500;

  private SparkFailure() {}

  static Optional<String> reason(Path outputLog) {
    if (!Files.isRegularFile(outputLog)) {
      return Optional.empty();
    }
    try (RandomAccessFile f = new RandomAccessFile(outputLog.toFile(), "r")) {
      long start = Math.max(0, f.length() - TAIL_BYTES);
      byte[] buf = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(buf);
      int from = 0;
      if (start > 0) {
        while (from < buf.length && buf[from] != '\n') {
          from++;
        }
        from = Math.min(from + 1, buf.length);
      }
      return reason(OutputLogParser.parse(buf, from, buf.length, start + from));
    } catch (IOException e) {
      return Optional.empty();
    }
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
    return Optional.of(found.length() > MAX_LENGTH ? found.substring(0, MAX_LENGTH) + "..." : found);
  }
}
