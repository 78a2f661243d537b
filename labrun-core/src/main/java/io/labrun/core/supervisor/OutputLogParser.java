package io.labrun.core.supervisor;

import io.labrun.core.run.LogRecord;
import io.labrun.core.run.LogRecord.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code STATE/output.log}: records {@code <epoch_ms>\t<tag>\t<text>\n}, tag {@code o}/{@code
 * e} a whole stdout/stderr line, {@code O}/{@code E} a chunk without its newline yet, {@code s} a
 * note from labrun. Each record carries its offset and the offset after it, so a follower resumes
 * exactly; a last line without its newline is still being written and is left for the next read.
 * Lines that are not records are skipped.
 */
public final class OutputLogParser {

  private OutputLogParser() {}

  /** Parses {@code bytes}, the log's content from file offset {@code offset} on. */
  public static List<LogRecord> parse(byte[] bytes, long offset) {
    return parse(bytes, 0, bytes.length, offset);
  }

  /** Parses {@code bytes[from, to)}, the log's content from file offset {@code offset} on. */
  public static List<LogRecord> parse(byte[] bytes, int from, int to, long offset) {
    List<LogRecord> records = new ArrayList<>();
    int start = from;
    for (int i = from; i < to; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      LogRecord r = record(bytes, start, i, offset + (start - from), offset + (i + 1 - from));
      if (r != null) {
        records.add(r);
      }
      start = i + 1;
    }
    return records;
  }

  /** The length of the whole records at the start of {@code bytes[0, length)}. */
  public static int completeLength(byte[] bytes, int length) {
    for (int i = length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i + 1;
      }
    }
    return 0;
  }

  /** Reads the log file from {@code offset} to its current end (at most {@code maxBytes}). */
  public static List<LogRecord> read(Path file, long offset, int maxBytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.position(offset);
      InputStream in = Channels.newInputStream(ch);
      byte[] bytes = in.readNBytes(maxBytes);
      return parse(bytes, 0, completeLength(bytes, bytes.length), offset);
    }
  }

  private static LogRecord record(byte[] b, int start, int end, long offset, long nextOffset) {
    int tab1 = indexOf(b, (byte) '\t', start, end);
    if (tab1 < 0 || tab1 + 2 >= end || b[tab1 + 2] != '\t') {
      return null; // not <ms>\t<one-letter tag>\t<text>
    }
    long ms;
    try {
      ms = Long.parseLong(new String(b, start, tab1 - start, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return null;
    }
    Stream stream;
    boolean endsLine;
    switch (b[tab1 + 1]) {
      case 'o' -> {
        stream = Stream.STDOUT;
        endsLine = true;
      }
      case 'O' -> {
        stream = Stream.STDOUT;
        endsLine = false;
      }
      case 'e' -> {
        stream = Stream.STDERR;
        endsLine = true;
      }
      case 'E' -> {
        stream = Stream.STDERR;
        endsLine = false;
      }
      case 's' -> {
        stream = Stream.SYSTEM;
        endsLine = true;
      }
      default -> {
        return null;
      }
    }
    String text = new String(b, tab1 + 3, end - tab1 - 3, StandardCharsets.UTF_8);
    return new LogRecord(
        Instant.ofEpochMilli(ms), stream, LogText.unescape(text), endsLine, offset, nextOffset);
  }

  static int indexOf(byte[] b, byte c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
