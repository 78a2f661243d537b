package io.labrun.format;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Writes the original's older JSON run configurations: an object with one key per line, lists of
 * plain values on one line ({@code "ArgumentVector": ["$file"]}), two spaces per level.
 */
final class JsonEmitter {
  private JsonEmitter() {}

  static String document(List<Edit.Append> entries, String eol) {
    StringBuilder b = new StringBuilder("{");
    String sep = eol;
    for (Edit.Append e : entries) {
      b.append(sep).append("  ").append(string(e.key())).append(": ");
      value(e.value(), "  ", eol, b);
      sep = "," + eol;
    }
    return b.append(entries.isEmpty() ? "" : eol).append("}").append(eol).toString();
  }

  private static void value(Object v, String indent, String eol, StringBuilder b) {
    if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        b.append("{}");
        return;
      }
      b.append("{");
      String sep = eol;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        b.append(sep)
            .append(indent)
            .append("  ")
            .append(string(String.valueOf(e.getKey())))
            .append(": ");
        value(e.getValue(), indent + "  ", eol, b);
        sep = "," + eol;
      }
      b.append(eol).append(indent).append("}");
    } else if (v instanceof List<?> l) {
      boolean flat = l.stream().noneMatch(i -> i instanceof Map<?, ?> || i instanceof List<?>);
      b.append("[");
      String sep = flat ? "" : eol;
      for (Object item : l) {
        b.append(sep);
        if (!flat) {
          b.append(indent).append("  ");
        }
        value(item, indent + "  ", eol, b);
        sep = flat ? ", " : "," + eol;
      }
      b.append(flat || l.isEmpty() ? "" : eol + indent).append("]");
    } else if (v == null) {
      b.append("null");
    } else if (v instanceof Boolean
        || v instanceof Long
        || v instanceof Integer
        || v instanceof BigInteger) {
      b.append(v);
    } else if (v instanceof Double d) {
      b.append(d.isNaN() || d.isInfinite() ? string(d.toString()) : d.toString());
    } else if (v instanceof Number n) {
      b.append(n);
    } else {
      b.append(string(v.toString()));
    }
  }

  static String string(String s) {
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
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
