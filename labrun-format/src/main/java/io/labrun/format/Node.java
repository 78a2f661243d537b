package io.labrun.format;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed YAML or JSON value that remembers where it was written, so every error can point at the
 * offending value. Jackson's own tree drops positions; this one keeps them.
 */
sealed interface Node permits Node.Scalar, Node.Sequence, Node.Mapping {

  Position position();

  /** The value as plain Java (String, Long, BigInteger, Double, Boolean, null, List, Map). */
  Object toPlain();

  /** How the value reads in a "got ..." clause of an error message. */
  String describe();

  enum Kind {
    STRING,
    INTEGER,
    FLOAT,
    BOOLEAN,
    NULL
  }

  /** A scalar; {@code text} is the value as written (without quotes), {@code value} its type. */
  record Scalar(Kind kind, String text, Object value, Position position) implements Node {
    @Override
    public Object toPlain() {
      return value;
    }

    @Override
    public String describe() {
      return switch (kind) {
        case STRING -> quote(text);
        case NULL -> "no value";
        default -> text;
      };
    }

    boolean isNull() {
      return kind == Kind.NULL;
    }
  }

  record Sequence(List<Node> items, Position position) implements Node {
    @Override
    public Object toPlain() {
      List<Object> out = new ArrayList<>();
      items.forEach(i -> out.add(i.toPlain()));
      return Collections.unmodifiableList(out);
    }

    @Override
    public String describe() {
      return "a list";
    }
  }

  record Mapping(List<Entry> entries, Position position) implements Node {
    @Override
    public Object toPlain() {
      Map<String, Object> out = new LinkedHashMap<>();
      entries.forEach(e -> out.put(e.key(), e.value().toPlain()));
      return Collections.unmodifiableMap(out);
    }

    @Override
    public String describe() {
      return "a map";
    }

    Optional<Entry> get(String key) {
      return entries.stream().filter(e -> e.key().equals(key)).findFirst();
    }
  }

  /** One {@code key: value} pair of a mapping. */
  record Entry(String key, Position keyPosition, Node value) {}

  /**
   * A key as it reads in a one-line message: single-quoted, escaped and shortened as by {@link
   * #quote}.
   */
  static String quoteKey(String key) {
    String q = quote(key);
    return "'" + q.substring(1, q.length() - 1) + "'";
  }

  /** A string as it reads in a one-line message: double-quoted, escaped, shortened. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    int limit = 60;
    for (int i = 0; i < s.length(); i++) {
      if (i == limit) {
        b.append("...");
        break;
      }
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029) {
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
