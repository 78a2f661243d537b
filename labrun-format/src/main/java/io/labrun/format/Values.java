package io.labrun.format;

import io.labrun.core.config.ConfigException;
import io.labrun.core.config.RunConfiguration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reading of one value with the error a person needs when it has the wrong shape: where,
 * which key, what was expected and what was found. A null value reads as "not set" (null).
 */
final class Values {
  private final String file;

  Values(String file) {
    this.file = file;
  }

  String file() {
    return file;
  }

  ConfigException error(Position at, String problem) {
    return new ConfigException(at.in(file), problem);
  }

  /** Any scalar, as written ({@code 22}, {@code True} and {@code "x"} give "22", "True", "x"). */
  String string(String key, Node node) {
    if (node instanceof Node.Scalar s) {
      return s.isNull() ? null : s.text();
    }
    throw error(
        node.position(), "'" + key + "' must be a single value (text), got " + node.describe());
  }

  /** true/false in the YAML 1.2 spellings (true, True, TRUE...), also when quoted. */
  Boolean bool(String key, Node node) {
    if (node instanceof Node.Scalar s) {
      if (s.isNull()) {
        return null;
      }
      if (s.value() instanceof Boolean b) {
        return b;
      }
      if (s.kind() == Node.Kind.STRING) {
        switch (s.text()) {
          case "true", "True", "TRUE" -> {
            return true;
          }
          case "false", "False", "FALSE" -> {
            return false;
          }
          default -> {}
        }
      }
    }
    throw error(node.position(), "'" + key + "' must be true or false, got " + node.describe());
  }

  /** A whole number in {@code [min, max]}, also when quoted. */
  Integer integer(String key, Node node, int min, int max) {
    if (node instanceof Node.Scalar s) {
      if (s.isNull()) {
        return null;
      }
      String digits = s.text().trim();
      if ((s.kind() == Node.Kind.INTEGER || s.kind() == Node.Kind.STRING)
          && digits.matches("[+]?[0-9]{1,10}")) {
        long v = Long.parseLong(digits.startsWith("+") ? digits.substring(1) : digits);
        if (v >= min && v <= max) {
          return (int) v;
        }
      }
    }
    throw error(
        node.position(),
        "'"
            + key
            + "' must be a whole number from "
            + min
            + " to "
            + max
            + ", got "
            + node.describe());
  }

  /** A list of scalars, each stringified as written. */
  List<String> stringList(String key, Node node) {
    if (node instanceof Node.Scalar s && s.isNull()) {
      return null;
    }
    if (!(node instanceof Node.Sequence seq)) {
      throw error(
          node.position(), "'" + key + "' must be a list of strings, got " + node.describe());
    }
    List<String> out = new ArrayList<>();
    int n = 0;
    for (Node item : seq.items()) {
      n++;
      if (!(item instanceof Node.Scalar s) || s.isNull()) {
        throw error(
            item.position(),
            "'" + key + "' must be a list of strings, got " + item.describe() + " as item " + n);
      }
      out.add(s.text());
    }
    return out;
  }

  /** A map of names to scalars, stringified as written; an entry without a value is an error. */
  Map<String, String> stringMap(String key, Node node) {
    if (node instanceof Node.Scalar s && s.isNull()) {
      return null;
    }
    if (!(node instanceof Node.Mapping map)) {
      throw error(
          node.position(),
          "'" + key + "' must be a map of names to values, got " + node.describe());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Node.Entry e : map.entries()) {
      if (!(e.value() instanceof Node.Scalar s)) {
        throw error(
            e.value().position(),
            "'"
                + key
                + "' entry "
                + Node.quoteKey(e.key())
                + " must be a single value (text), got "
                + e.value().describe());
      }
      if (s.isNull()) {
        throw error(
            e.keyPosition(),
            "'"
                + key
                + "' entry "
                + Node.quoteKey(e.key())
                + " has no value; write "
                + YamlEmitter.scalar(e.key())
                + ": \"\" for an empty one");
      }
      out.put(e.key(), s.text());
    }
    return out;
  }

  /**
   * Environment variables: a {@link #stringMap} whose names an operating system accepts (not empty,
   * no {@code =}, no NUL), checked here rather than by the process that would start the run.
   */
  Map<String, String> environmentMap(String key, Node node) {
    Map<String, String> out = stringMap(key, node);
    if (out != null && node instanceof Node.Mapping map) {
      for (Node.Entry e : map.entries()) {
        if (!RunConfiguration.isVariableName(e.key())) {
          throw error(
              e.keyPosition(),
              "'"
                  + key
                  + "' entry "
                  + Node.quoteKey(e.key())
                  + " is not a valid environment variable name (it must not be empty or contain '='"
                  + " or NUL); rename it, e.g. to "
                  + Node.quoteKey(e.key().replaceAll("[=\0]", "_")));
        }
      }
    }
    return out;
  }

  /** A map, for files whose top level or nested parts must be one. */
  Node.Mapping mapping(String what, Node node) {
    if (node instanceof Node.Mapping m) {
      return m;
    }
    throw error(node.position(), what + " must be a map of keys to values, got " + node.describe());
  }
}
