package io.labrun.core.supervisor;

import io.labrun.core.json.Json;
import io.labrun.core.run.MetricPoint;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the metrics files scripts write ({@code STATE/metrics/metrics-*.log}, one per process). Two
 * kinds of record follow each other there. Text lines {@code
 * <kind>\t<epoch_ms>\t<step>\t<name>\t<value>\n}, kind {@code m} metric, {@code p} param, {@code t}
 * tag: metric values that are numbers, {@code NaN}, {@code Infinity}, {@code -Infinity} or booleans
 * (1 and 0) are scalars; strings, lists and dicts keep their JSON text; lines that are not records
 * (empty ones too) are skipped. And binary scalar points, the common case, written without
 * formatting a number: byte {@code 0x01}, step (int64), value (float64), epoch nanoseconds (int64),
 * name length (uint16), name (UTF-8), byte {@code 0x0A}, all little-endian. A file is read up to a
 * NUL byte where a record would start (the zero-filled room the writer has not used yet); a record
 * not completely there (a line without its newline, a point without its closing {@code 0x0A}) is
 * left for the next read, so a live follower can call {@link #read(Path, Map)} again with the
 * offsets it got back.
 */
public final class MetricsParser {
  private static final int BLOCK = 64 * 1024;

  /** The first byte of a binary point. */
  static final byte POINT = 1;

  /** A binary point's bytes before its name: kind, step, value, time, name length. */
  static final int POINT_HEAD = 1 + 8 + 8 + 8 + 2;

  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle DOUBLE =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

  private MetricsParser() {}

  /**
   * What one read found: the new points in time order, the params and tags set (last write wins),
   * and for every file the offset the next read starts from.
   */
  public record Batch(
      List<MetricPoint> points,
      Map<String, String> params,
      Map<String, String> tags,
      Map<String, Long> offsets) {
    public boolean isEmpty() {
      return points.isEmpty() && params.isEmpty() && tags.isEmpty();
    }
  }

  /** Reads all metrics files of {@code dir} from their start; an absent folder reads empty. */
  public static Batch read(Path dir) throws IOException {
    return read(dir, Map.of());
  }

  /** Reads what was added since {@code offsets} (file name to offset, as a previous batch gave). */
  public static Batch read(Path dir, Map<String, Long> offsets) throws IOException {
    Collector collector = new Collector();
    Map<String, Long> next = new TreeMap<>(offsets);
    if (Files.isDirectory(dir)) {
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "metrics-*.log")) {
        ds.forEach(files::add);
      }
      files.sort(Comparator.comparing(p -> p.getFileName().toString()));
      for (Path file : files) {
        String name = file.getFileName().toString();
        next.put(name, readFile(file, offsets.getOrDefault(name, 0L), collector));
      }
    }
    return collector.batch(next);
  }

  /** Parses the content of one metrics file from file offset {@code offset} on. */
  public static Batch parse(String fileName, byte[] bytes, long offset) {
    Collector collector = new Collector();
    int consumed = collector.parse(bytes, 0, bytes.length);
    return collector.batch(Map.of(fileName, offset + consumed));
  }

  private static long readFile(Path file, long offset, Collector collector) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      byte[] buf = new byte[BLOCK];
      int have = 0; // bytes of an unfinished record carried from the last block
      long pos = offset;
      while (true) {
        if (have == buf.length) {
          buf = Arrays.copyOf(buf, buf.length * 2); // a record longer than a block
        }
        int n = ch.read(ByteBuffer.wrap(buf, have, buf.length - have), pos + have);
        if (n <= 0) {
          return pos;
        }
        int end = have + n;
        int consumed = collector.parse(buf, 0, end);
        pos += consumed;
        if (collector.ended) {
          return pos;
        }
        have = end - consumed;
        System.arraycopy(buf, consumed, buf, 0, have);
      }
    }
  }

  private static int indexOf(byte[] b, byte c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private record Timed(Instant time, String value) {}

  /** Gathers records; params and tags keep the latest write. */
  private static final class Collector {
    private final List<MetricPoint> points = new ArrayList<>();
    private final Map<String, Timed> params = new LinkedHashMap<>();
    private final Map<String, Timed> tags = new LinkedHashMap<>();

    /** Whether the last {@link #parse} stopped where the writer has not written yet. */
    boolean ended;

    /**
     * Parses the whole records of {@code b[from, to)}; returns how many bytes they took. A record
     * cut by {@code to} is left for a longer read; {@link #ended} tells that the rest is not
     * written.
     */
    int parse(byte[] b, int from, int to) {
      ended = false;
      int i = from;
      while (i < to && !ended) {
        int end = b[i] == POINT ? point(b, i, to) : textLine(b, i, to);
        if (end < 0) {
          break;
        }
        i = end;
      }
      return i - from;
    }

    /** Reads the binary point at {@code s}; returns where the next record starts, or -1. */
    private int point(byte[] b, int s, int to) {
      if (to - s < POINT_HEAD) {
        return -1;
      }
      int nameLength = Short.toUnsignedInt((short) SHORT.get(b, s + 25));
      int end = s + POINT_HEAD + nameLength + 1;
      if (end > to) {
        return -1;
      }
      if (b[end - 1] != '\n') {
        ended = true; // still being copied (or cut short by the script's death)
        return -1;
      }
      Instant time = Instant.ofEpochMilli(Math.floorDiv((long) LONG.get(b, s + 17), 1_000_000L));
      String name = new String(b, s + POINT_HEAD, nameLength, StandardCharsets.UTF_8);
      points.add(
          new MetricPoint(
              name, (long) LONG.get(b, s + 1), time, (double) DOUBLE.get(b, s + 9), null));
      return end;
    }

    /** Reads the text line at {@code s}; returns where the next record starts, or -1. */
    private int textLine(byte[] b, int s, int to) {
      for (int i = s; i < to; i++) {
        if (b[i] == '\n') {
          line(b, s, i);
          return i + 1;
        }
        if (b[i] == 0) {
          ended = true; // a NUL where a record starts, or a line still being copied
          return -1;
        }
      }
      return -1;
    }

    private void line(byte[] b, int s, int e) {
      if (s == e) {
        return; // the newlines that fill the end of a chunk
      }
      int t1 = indexOf(b, (byte) '\t', s, e);
      int t2 = t1 < 0 ? -1 : indexOf(b, (byte) '\t', t1 + 1, e);
      int t3 = t2 < 0 ? -1 : indexOf(b, (byte) '\t', t2 + 1, e);
      int t4 = t3 < 0 ? -1 : indexOf(b, (byte) '\t', t3 + 1, e);
      if (t1 != s + 1 || t4 < 0) {
        return;
      }
      Instant time;
      long step;
      try {
        time = Instant.ofEpochMilli(parseLong(b, t1 + 1, t2));
        step = parseLong(b, t2 + 1, t3);
      } catch (NumberFormatException malformed) {
        return;
      }
      String name = LogText.unescape(new String(b, t3 + 1, t4 - t3 - 1, StandardCharsets.UTF_8));
      String value = new String(b, t4 + 1, e - t4 - 1, StandardCharsets.UTF_8);
      switch (b[s]) {
        case 'm' -> metric(name, step, time, value);
        case 'p' -> latest(params, name, time, text(value));
        case 't' -> latest(tags, name, time, text(value));
        default -> {
          // a kind from a newer writer: skipped
        }
      }
    }

    private void metric(String name, long step, Instant time, String value) {
      if (value.isEmpty()) {
        return;
      }
      Double scalar =
          switch (value) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            case "true" -> 1.0;
            case "false" -> 0.0;
            default -> null;
          };
      char c = value.charAt(0);
      if (scalar == null && (c == '-' || c >= '0' && c <= '9')) {
        if (!isJsonNumber(value)) {
          return;
        }
        scalar = Double.parseDouble(value);
      }
      if (scalar != null) {
        points.add(new MetricPoint(name, step, time, scalar, null));
      } else if (c == '"' || c == '[' || c == '{' || value.equals("null")) {
        points.add(new MetricPoint(name, step, time, null, value));
      }
    }

    private static String text(String json) {
      if (json.startsWith("\"")) {
        try {
          return (String) Json.parse(json);
        } catch (IllegalArgumentException | ClassCastException malformed) {
          return json;
        }
      }
      return json;
    }

    private static void latest(Map<String, Timed> map, String name, Instant time, String value) {
      Timed old = map.get(name);
      if (old == null || !time.isBefore(old.time())) {
        map.put(name, new Timed(time, value));
      }
    }

    Batch batch(Map<String, Long> offsets) {
      points.sort(Comparator.comparing(MetricPoint::time)); // stable: per file, steps stay in order
      return new Batch(
          Collections.unmodifiableList(points),
          values(params),
          values(tags),
          Collections.unmodifiableMap(new TreeMap<>(offsets)));
    }

    private static Map<String, String> values(Map<String, Timed> map) {
      Map<String, String> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, v.value()));
      return Collections.unmodifiableMap(out);
    }
  }

  static long parseLong(byte[] b, int s, int e) {
    boolean negative = s < e && b[s] == '-';
    int i = negative ? s + 1 : s;
    if (i == e || e - i > 18) {
      throw new NumberFormatException("not a number of at most 18 digits");
    }
    long v = 0;
    for (; i < e; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw new NumberFormatException("not a digit");
      }
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }

  /** JSON's number grammar: {@code -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?}. */
  static boolean isJsonNumber(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && s.charAt(i) == '-') {
      i++;
    }
    int digits = i;
    while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    if (i == digits || s.charAt(digits) == '0' && i - digits > 1) {
      return false;
    }
    if (i < n && s.charAt(i) == '.') {
      int f = ++i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      if (i == f) {
        return false;
      }
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int x = i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      if (i == x) {
        return false;
      }
    }
    return i == n;
  }
}
