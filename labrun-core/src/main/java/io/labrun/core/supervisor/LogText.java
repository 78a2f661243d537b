package io.labrun.core.supervisor;

/**
 * The escaping of text in records of output.log and the metrics files: a backslash is written
 * {@code \\}, a tab {@code \t}, a carriage return {@code \r}, a newline {@code \n}, a NUL {@code
 * \0}, so a record is one line of tab-separated fields without NUL bytes.
 */
public final class LogText {
  private LogText() {}

  public static String escape(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String e =
          switch (c) {
            case '\\' -> "\\\\";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            case '\n' -> "\\n";
            case '\0' -> "\\0";
            default -> null;
          };
      if (e != null && out == null) {
        out = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      if (out != null) {
        if (e != null) {
          out.append(e);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? text : out.toString();
  }

  /** Undoes {@link #escape}; an unknown escape is kept as written. */
  public static String unescape(String text) {
    int i = text.indexOf('\\');
    if (i < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length()).append(text, 0, i);
    while (i < text.length()) {
      char c = text.charAt(i++);
      if (c != '\\' || i == text.length()) {
        out.append(c);
        continue;
      }
      char e = text.charAt(i++);
      switch (e) {
        case '\\' -> out.append('\\');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'n' -> out.append('\n');
        case '0' -> out.append('\0');
        default -> out.append('\\').append(e);
      }
    }
    return out.toString();
  }
}
