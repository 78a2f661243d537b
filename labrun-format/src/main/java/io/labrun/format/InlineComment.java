package io.labrun.format;

/**
 * Finds the comment at the end of a YAML line ({@code key: value # why}), so that replacing the
 * value keeps it. A '#' only starts a comment after white space and outside quotes; a quote only
 * opens a quoted scalar where a scalar can start (the line start, after ": ", "- ", '[', '{', ',').
 */
final class InlineComment {
  private InlineComment() {}

  /** The comment with the white space before it, or "" when the line has none. */
  static String of(String line, int from) {
    char lastSignificant = ':';
    for (int i = from; i < line.length(); i++) {
      char c = line.charAt(i);
      boolean afterSpace = i > from && Character.isWhitespace(line.charAt(i - 1));
      if (c == '#' && afterSpace) {
        int s = i;
        while (s > from && Character.isWhitespace(line.charAt(s - 1))) {
          s--;
        }
        return line.substring(s);
      }
      if (Character.isWhitespace(c)) {
        continue;
      }
      boolean scalarStart =
          i == from
              || "[{,".indexOf(lastSignificant) >= 0
              || afterSpace && ":-".indexOf(lastSignificant) >= 0;
      if ((c == '"' || c == '\'') && scalarStart) {
        i = closingQuote(line, i);
        if (i < 0) {
          return "";
        }
        lastSignificant = c;
        continue;
      }
      lastSignificant = c;
    }
    return "";
  }

  private static int closingQuote(String line, int open) {
    char q = line.charAt(open);
    for (int i = open + 1; i < line.length(); i++) {
      char c = line.charAt(i);
      if (q == '"' && c == '\\') {
        i++;
      } else if (c == q) {
        if (q == '\'' && i + 1 < line.length() && line.charAt(i + 1) == '\'') {
          i++;
        } else {
          return i;
        }
      }
    }
    return -1;
  }
}
