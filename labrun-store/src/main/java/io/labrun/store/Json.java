package io.labrun.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON the run table needs and no more: a list of strings and a string-to-string map (run
 * arguments, environment, attributes), null values allowed. Hand-written so that the store does
 * not pull a JSON library into every process that opens the history.
 */
final class Json {
  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  static String writeList(List<String> values) {
    StringBuilder out = new StringBuilder("[");
    for (String v : values) {
      if (out.length() > 1) {
        out.append(',');
      }
      writeString(out, v);
    }
    return out.append(']').toString();
  }

  static String writeMap(Map<String, String> values) {
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (out.length() > 1) {
        out.append(',');
      }
      writeString(out, e.getKey());
      out.append(':');
      writeString(out, e.getValue());
    }
    return out.append('}').toString();
  }

  /** Reads a JSON array of strings; null or empty text is an empty list. */
  static List<String> readList(String text) {
    List<String> values = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return values;
    }
    Json in = new Json(text);
    in.expect('[');
    if (!in.consume(']')) {
      do {
        values.add(in.readString());
      } while (in.consume(','));
      in.expect(']');
    }
    in.end();
    return values;
  }

  /** Reads a JSON object of strings, keeping its order; null or empty text is an empty map. */
  static Map<String, String> readMap(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return values;
    }
    Json in = new Json(text);
    in.expect('{');
    if (!in.consume('}')) {
      do {
        String key = in.readString();
        if (key == null) {
          throw in.error("a key");
        }
        in.expect(':');
        values.put(key, in.readString());
      } while (in.consume(','));
      in.expect('}');
    }
    in.end();
    return values;
  }

  private static void writeString(StringBuilder out, String s) {
    if (s == null) {
      out.append("null");
      return;
    }
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private String readString() {
    skipSpace();
    if (text.startsWith("null", pos)) {
      pos += 4;
      return null;
    }
    expect('"');
    StringBuilder out = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= text.length()) {
        break;
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("four hex digits");
          }
          out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          pos += 4;
        }
        default -> throw error("an escape sequence");
      }
    }
    throw error("the end of a string");
  }

  private boolean consume(char c) {
    skipSpace();
    if (pos < text.length() && text.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!consume(c)) {
      throw error("'" + c + "'");
    }
  }

  private void end() {
    skipSpace();
    if (pos != text.length()) {
      throw error("the end of the text");
    }
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String expected) {
    return new IllegalArgumentException("bad JSON at offset " + pos + ": expected " + expected);
  }
}
