package io.labrun.core.run.query;

import io.labrun.core.run.query.Token.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a filter into {@link Token}s; a character that starts no token is a syntax error at its
 * column.
 */
final class Lexer {
  private final String text;
  private int pos;

  private Lexer(String text) {
    this.text = text;
  }

  static List<Token> tokens(String text) {
    Lexer lexer = new Lexer(text);
    List<Token> out = new ArrayList<>();
    Token t;
    do {
      t = lexer.next();
      out.add(t);
    } while (!t.is(Type.END));
    return out;
  }

  private Token next() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
    int start = pos;
    if (pos >= text.length()) {
      return new Token(Type.END, "", pos + 1, "");
    }
    char c = text.charAt(pos);
    if (Character.isLetter(c) || c == '_') {
      return word(start);
    }
    if (Character.isDigit(c)
        || (c == '-' || c == '.')
            && pos + 1 < text.length()
            && Character.isDigit(text.charAt(pos + 1))) {
      return number(start);
    }
    if (c == '"' || c == '\'') {
      return new Token(Type.STRING, quoted(c), start + 1, "");
    }
    if (c == '/') {
      return new Token(Type.REGEX, regex(), start + 1, "");
    }
    pos++;
    return switch (c) {
      case '(' -> new Token(Type.OPEN, "(", start + 1, "");
      case ')' -> new Token(Type.CLOSE, ")", start + 1, "");
      case ',' -> new Token(Type.COMMA, ",", start + 1, "");
      case '=', '<', '>', '!', '~' -> operator(c, start);
      default ->
          throw Syntax.at(
              start + 1,
              "unexpected '" + c + "'; compare a field with a value, like metrics.acc > 0.5");
    };
  }

  /**
   * A field or keyword; {@code metrics.`my metric`} and {@code params."a b"} quote a name with
   * other characters.
   */
  private Token word(int start) {
    StringBuilder w = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (Character.isLetterOrDigit(c)
          || c == '_'
          || c == '-'
          || c == '.'
          || c == '/'
          || c == ':') {
        w.append(c);
        pos++;
      } else if ((c == '`' || c == '"' || c == '\'')
          && w.length() > 0
          && w.charAt(w.length() - 1) == '.') {
        w.append(quoted(c));
      } else {
        break;
      }
    }
    return new Token(Type.WORD, w.toString(), start + 1, "");
  }

  private Token number(int start) {
    pos++;
    while (pos < text.length()
        && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
      pos++;
    }
    if (pos < text.length()
        && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')
        && exponentFollows()) {
      pos += 2;
      while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
        pos++;
      }
    }
    String digits = text.substring(start, pos);
    int unitStart = pos;
    while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
      pos++;
    }
    String unit = text.substring(unitStart, pos);
    try {
      Double.parseDouble(digits);
    } catch (NumberFormatException e) {
      throw Syntax.at(start + 1, "'" + digits + "' is not a number");
    }
    return new Token(Type.NUMBER, digits, start + 1, unit);
  }

  private boolean exponentFollows() {
    if (pos + 1 >= text.length()) {
      return false;
    }
    char n = text.charAt(pos + 1);
    return Character.isDigit(n)
        || (n == '-' || n == '+')
            && pos + 2 < text.length()
            && Character.isDigit(text.charAt(pos + 2));
  }

  /** Text between quotes; a backslash keeps the next character as it is. */
  private String quoted(char quote) {
    int start = pos;
    pos++;
    StringBuilder s = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == quote) {
        return s.toString();
      }
      if (c == '\\' && pos < text.length()) {
        c = text.charAt(pos++);
      }
      s.append(c);
    }
    throw Syntax.at(start + 1, "this " + quote + " is never closed; end the text with " + quote);
  }

  /** A regular expression between slashes; {@code \/} is a slash in it, other backslashes stay. */
  private String regex() {
    int start = pos;
    pos++;
    StringBuilder s = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '/') {
        return s.toString();
      }
      if (c == '\\' && pos < text.length() && text.charAt(pos) == '/') {
        c = text.charAt(pos++);
      } else if (c == '\\' && pos < text.length()) {
        s.append(c);
        c = text.charAt(pos++);
      }
      s.append(c);
    }
    throw Syntax.at(start + 1, "this regular expression is never closed; end it with /");
  }

  private Token operator(char c, int start) {
    boolean eq = pos < text.length() && text.charAt(pos) == '=';
    boolean tilde = pos < text.length() && text.charAt(pos) == '~';
    boolean gt = pos < text.length() && text.charAt(pos) == '>';
    String op =
        switch (c) {
          case '=' -> eq ? "==" : "=";
          case '<' -> eq ? "<=" : gt ? "<>" : "<";
          case '>' -> eq ? ">=" : ">";
          case '!' -> eq ? "!=" : tilde ? "!~" : null;
          default -> "~";
        };
    if (op == null) {
      throw Syntax.at(
          start + 1, "'!' alone means nothing; write != (not equal), !~ (does not match) or not");
    }
    pos += op.length() - 1;
    String normal = op.equals("==") ? "=" : op.equals("<>") ? "!=" : op;
    return new Token(Type.OP, normal, start + 1, "");
  }
}
