package io.labrun.format;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes plain values as block YAML, two spaces per level. Text is left unquoted when every YAML
 * reader (1.1 and 1.2) would read it back as the same text, and double-quoted otherwise.
 */
final class YamlEmitter {
  private YamlEmitter() {}

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_$/][A-Za-z0-9_$/.=@+ -]*");

  /** Words some YAML reader takes for a boolean or null. */
  private static final Set<String> RESERVED =
      Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "null");

  /** A document of top-level entries, each line ended by {@code eol}. */
  static String document(List<Edit.Append> entries, String eol) {
    StringBuilder b = new StringBuilder();
    for (Edit.Append e : entries) {
      for (String line : entry(e.key(), e.value())) {
        b.append(line).append(eol);
      }
    }
    return b.toString();
  }

  /** The lines of one {@code key: value} entry at the left margin, without line ends. */
  static List<String> entry(String key, Object value) {
    List<String> out = new ArrayList<>();
    entry(key, value, "", out);
    return out;
  }

  private static void entry(String key, Object value, String indent, List<String> out) {
    if (value instanceof Map<?, ?> m && !m.isEmpty()) {
      out.add(indent + scalar(key) + ":");
      m.forEach((k, v) -> entry(String.valueOf(k), v, indent + "  ", out));
    } else if (value instanceof List<?> l && !l.isEmpty()) {
      out.add(indent + scalar(key) + ":");
      items(l, indent + "  ", out);
    } else {
      out.add(indent + scalar(key) + ": " + scalar(value));
    }
  }

  private static void items(List<?> list, String indent, List<String> out) {
    for (Object item : list) {
      if (item instanceof Map<?, ?> m && !m.isEmpty()) {
        List<String> lines = new ArrayList<>();
        m.forEach((k, v) -> entry(String.valueOf(k), v, indent + "  ", lines));
        lines.set(0, indent + "- " + lines.get(0).substring(indent.length() + 2));
        out.addAll(lines);
      } else if (item instanceof List<?> l && !l.isEmpty()) {
        out.add(indent + "-");
        items(l, indent + "  ", out);
      } else {
        out.add(indent + "- " + scalar(item));
      }
    }
  }

  /** One scalar (or an empty list or map) as YAML text. */
  static String scalar(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Boolean
        || value instanceof Long
        || value instanceof Integer
        || value instanceof BigInteger) {
      return value.toString();
    }
    if (value instanceof Double d) {
      return d.isNaN() ? ".nan" : d.isInfinite() ? (d > 0 ? ".inf" : "-.inf") : d.toString();
    }
    if (value instanceof Number n) {
      return n.toString();
    }
    if (value instanceof Map<?, ?>) {
      return "{}";
    }
    if (value instanceof List<?>) {
      return "[]";
    }
    String s = value.toString();
    return needsQuotes(s) ? doubleQuoted(s) : s;
  }

  static boolean needsQuotes(String s) {
    return !PLAIN.matcher(s).matches()
        || s.endsWith(" ")
        || s.contains("  ")
        || RESERVED.contains(s.toLowerCase(Locale.ROOT));
  }

  static String doubleQuoted(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029 || c == 0xfeff) {
            b.append(String.format("\\u%04X", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
