package io.labrun.format;

/**
 * The original read its YAML with libyaml, which takes a tab between a mapping's {@code :} and its
 * value as a space ({@code "spark.app.name":<TAB>"x"} loads); SnakeYAML refuses it. Such tabs
 * become spaces here, one for one, so every line and column stays the same. Tabs anywhere else
 * (indentation, after a list's {@code -}) stay, and stay errors, as in libyaml.
 */
final class YamlTabs {
  private YamlTabs() {}

  static String separatorsAsSpaces(String text) {
    if (text.indexOf('\t') < 0) {
      return text;
    }
    char[] c = text.toCharArray();
    char quote = 0;
    boolean comment = false;
    for (int i = 0; i < c.length; i++) {
      char ch = c[i];
      if (ch == '\n') {
        comment = false;
      } else if (comment) {
        continue;
      } else if (quote != 0) {
        if ((quote == '"' && ch == '\\')
            || (quote == '\'' && ch == '\'' && i + 1 < c.length && c[i + 1] == '\'')) {
          i++; // an escaped character, maybe a quote; '' is a quote inside single quotes
        } else if (ch == quote) {
          quote = 0;
        }
      } else if ((ch == '"' || ch == '\'') && startsScalar(c, i)) {
        quote = ch;
      } else if (ch == '#' && (i == 0 || c[i - 1] == ' ' || c[i - 1] == '\t')) {
        comment = true;
      } else if (ch == ':' && i + 1 < c.length && (c[i + 1] == ' ' || c[i + 1] == '\t')) {
        for (int j = i + 1; j < c.length && (c[j] == ' ' || c[j] == '\t'); j++) {
          c[j] = ' ';
        }
      }
    }
    return new String(c);
  }

  /**
   * A quote opens a quoted value only where a value or key may start, not inside plain text (it's).
   */
  private static boolean startsScalar(char[] c, int i) {
    int k = i - 1;
    while (k >= 0 && (c[k] == ' ' || c[k] == '\t')) {
      k--;
    }
    return k < 0 || "\n:-[{,?".indexOf(c[k]) >= 0;
  }
}
