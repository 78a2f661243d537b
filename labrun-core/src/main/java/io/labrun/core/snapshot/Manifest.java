package io.labrun.core.snapshot;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The manifest text of a snapshot, the bytes whose SHA-256 is the snapshot id. UTF-8, a header line
 * then one line per file, sorted by path in code point order (the order of {@code LC_ALL=C sort}):
 *
 * <pre>
 * labrun-snapshot 1
 * &lt;sha256&gt; &lt;size&gt; &lt;644|755&gt; &lt;path&gt;
 * </pre>
 *
 * The path is the rest of the line, so spaces need no escaping; a backslash is written {@code \\},
 * a newline {@code \n}, a carriage return {@code \r}, a tab {@code \t} and other control characters
 * {@code \xHH}. The format is canonical: one snapshot has exactly one manifest.
 */
final class Manifest {
  static final String HEADER = "labrun-snapshot 1";

  /** Code point order, which is also the byte order of the paths' UTF-8. */
  static final Comparator<String> PATH_ORDER = Manifest::comparePaths;

  private Manifest() {}

  static byte[] encode(List<SnapshotEntry> entries) {
    Bytes out = new Bytes(32 + entries.size() * 110);
    out.ascii(HEADER).add('\n');
    StringBuilder escaped = new StringBuilder();
    for (SnapshotEntry e : entries) {
      out.ascii(e.sha256())
          .add(' ')
          .ascii(Long.toString(e.size()))
          .add(' ')
          .ascii(e.executable() ? "755" : "644")
          .add(' ');
      String path = e.path();
      if (isPlainAscii(path)) {
        out.ascii(path);
      } else {
        escaped.setLength(0);
        escape(path, escaped);
        out.utf8(escaped.toString());
      }
      out.add('\n');
    }
    return out.toArray();
  }

  /** Printable ASCII without a backslash: written as is, one byte per char. */
  private static boolean isPlainAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /** A growable byte array that takes ASCII strings without an encoder. */
  private static final class Bytes {
    private byte[] buf;
    private int len;

    Bytes(int capacity) {
      buf = new byte[capacity];
    }

    Bytes add(char c) {
      ensure(1);
      buf[len++] = (byte) c;
      return this;
    }

    Bytes ascii(String s) {
      int n = s.length();
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[len + i] = (byte) s.charAt(i);
      }
      len += n;
      return this;
    }

    Bytes utf8(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      ensure(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
      return this;
    }

    byte[] toArray() {
      return Arrays.copyOf(buf, len);
    }

    private void ensure(int more) {
      if (len + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
      }
    }
  }

  static String idOf(byte[] manifest) {
    return sha256Hex(manifest);
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Parses a manifest; throws {@link IllegalArgumentException} saying which line is wrong. */
  static List<SnapshotEntry> parse(byte[] manifest) {
    String text = new String(manifest, StandardCharsets.UTF_8);
    int nl = text.indexOf('\n');
    if (nl < 0 || !text.substring(0, nl).equals(HEADER)) {
      String first = nl < 0 ? text : text.substring(0, nl);
      throw new IllegalArgumentException(
          "not a labrun snapshot manifest of a known version (first line: '"
              + abbreviate(first)
              + "')");
    }
    List<SnapshotEntry> entries = new ArrayList<>();
    int lineNo = 1;
    for (int start = nl + 1; start < text.length(); start = nl + 1) {
      lineNo++;
      nl = text.indexOf('\n', start);
      if (nl < 0) {
        throw new IllegalArgumentException("manifest line " + lineNo + " has no line end");
      }
      entries.add(parseLine(text, start, nl, lineNo));
    }
    return entries;
  }

  private static SnapshotEntry parseLine(String text, int start, int end, int lineNo) {
    int s1 = text.indexOf(' ', start);
    int s2 = s1 < 0 ? -1 : text.indexOf(' ', s1 + 1);
    int s3 = s2 < 0 ? -1 : text.indexOf(' ', s2 + 1);
    if (s3 < 0 || s3 >= end) {
      throw new IllegalArgumentException(
          "manifest line " + lineNo + " is not '<sha256> <size> <mode> <path>'");
    }
    String mode = text.substring(s2 + 1, s3);
    if (!mode.equals("644") && !mode.equals("755")) {
      throw new IllegalArgumentException(
          "manifest line " + lineNo + " has mode '" + mode + "', expected 644 or 755");
    }
    try {
      long size = Long.parseLong(text, s1 + 1, s2, 10);
      String path = unescape(text, s3 + 1, end);
      return new SnapshotEntry(path, text.substring(start, s1), size, mode.equals("755"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("manifest line " + lineNo + ": " + e.getMessage(), e);
    }
  }

  static void escape(String path, StringBuilder out) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append("\\x")
                .append(Character.forDigit(c >> 4, 16))
                .append(Character.forDigit(c & 0xf, 16));
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  static String unescape(String text, int start, int end) {
    StringBuilder out = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (++i >= end) {
        throw new IllegalArgumentException("path ends in a lone backslash");
      }
      switch (text.charAt(i)) {
        case '\\' -> out.append('\\');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'x' -> {
          if (i + 2 >= end) {
            throw new IllegalArgumentException("path has a truncated \\x escape");
          }
          out.append((char) Integer.parseInt(text, i + 1, i + 3, 16));
          i += 2;
        }
        default ->
            throw new IllegalArgumentException("path has an unknown escape \\" + text.charAt(i));
      }
    }
    return out.toString();
  }

  private static int comparePaths(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        return fixup(x) - fixup(y);
      }
    }
    return a.length() - b.length();
  }

  /** Moves surrogates above U+E000..U+FFFF so UTF-16 units compare in code point order. */
  private static int fixup(char c) {
    if (c < 0xd800) {
      return c;
    }
    return c >= 0xe000 ? c - 0x800 : c + 0x2000;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
