package io.labrun.core.run.query;

import io.labrun.core.run.query.Token.Type;

/**
 * Reads a field's name: {@code metrics.acc}, {@code params.lr}, {@code tags.team} or an attribute.
 */
final class FieldNames {
  private FieldNames() {}

  static Field of(Token t) {
    if (!t.is(Type.WORD)) {
      throw Syntax.at(
          t,
          "expected a field (metrics.NAME, params.NAME, tags.NAME, status, created...), found "
              + t.shown());
    }
    String word = t.text();
    int dot = word.indexOf('.');
    if (dot < 0) {
      return Attribute.parse(word)
          .map(a -> (Field) new Field.Attr(a))
          .orElseThrow(
              () ->
                  Syntax.at(
                      t,
                      "unknown field '"
                          + word
                          + "'; write metrics.NAME, params.NAME, tags.NAME or one of "
                          + Attribute.keys()));
    }
    String kind = word.substring(0, dot);
    String name = word.substring(dot + 1);
    if (name.isEmpty()) {
      throw Syntax.at(
          t,
          "'"
              + word
              + "' names no "
              + kind
              + "; write "
              + word
              + "NAME (quote a name with spaces: "
              + word
              + "`my name`)");
    }
    return switch (kind) {
      case "metrics", "metric" -> new Field.Metric(name, Field.Aggregate.LAST);
      case "params", "param" -> new Field.Param(name);
      case "tags", "tag" -> new Field.Tag(name);
      default ->
          throw Syntax.at(
              t,
              "unknown field '"
                  + word
                  + "'; a dotted field starts with metrics., params. or tags.");
    };
  }
}
