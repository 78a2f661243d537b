package io.labrun.core.run.query;

/**
 * A word, value or symbol of a filter and the column (from 1) where it starts. A number keeps its
 * unit ({@code 60s}) apart from its digits.
 */
record Token(Type type, String text, int column, String unit) {
  enum Type {
    WORD,
    NUMBER,
    STRING,
    REGEX,
    OP,
    OPEN,
    CLOSE,
    COMMA,
    END
  }

  boolean is(Type t) {
    return type == t;
  }

  /** A keyword such as {@code and}, in any case; a quoted string never is one. */
  boolean isWord(String keyword) {
    return type == Type.WORD && text.equalsIgnoreCase(keyword);
  }

  /** How the token reads in a message. */
  String shown() {
    return switch (type) {
      case END -> "the end of the filter";
      case STRING -> "\"" + text + "\"";
      case REGEX -> "/" + text + "/";
      case NUMBER -> "'" + text + unit + "'";
      default -> "'" + text + "'";
    };
  }
}
