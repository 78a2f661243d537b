package io.labrun.core.snapshot;

/**
 * One line of a {@code .gitignore}-style file, parsed as Git does: {@code !} negates, a trailing
 * {@code /} matches folders only, a {@code /} at the start or in the middle anchors the pattern to
 * the ignore file's folder (otherwise it matches a name at any depth below it), trailing spaces go
 * unless escaped, {@code \#} and {@code \!} are literal.
 */
final class IgnorePattern {
  private enum Kind {
    LITERAL,
    SUFFIX,
    GLOB
  }

  private final String source;
  private final String glob;
  private final boolean negated;
  private final boolean directoryOnly;
  private final boolean anchored;
  private final Kind kind;
  private final String literal;

  private IgnorePattern(
      String source, String glob, boolean negated, boolean directoryOnly, boolean anchored) {
    this.source = source;
    this.glob = glob;
    this.negated = negated;
    this.directoryOnly = directoryOnly;
    this.anchored = anchored;
    // Most real patterns are a plain name or "*.ext": test those without the general matcher.
    if (!hasGlobSpecial(glob, 0)) {
      kind = Kind.LITERAL;
      literal = glob;
    } else if (!anchored
        && glob.charAt(0) == '*'
        && glob.length() > 1
        && !hasGlobSpecial(glob, 1)) {
      kind = Kind.SUFFIX;
      literal = glob.substring(1);
    } else {
      kind = Kind.GLOB;
      literal = null;
    }
  }

  /** The pattern on {@code line}, or null for a blank line or a comment. */
  static IgnorePattern parse(String line) {
    String p = trimTrailingSpaces(line);
    if (p.isEmpty() || p.charAt(0) == '#') {
      return null;
    }
    boolean negated = p.charAt(0) == '!';
    if (negated) {
      p = p.substring(1);
    }
    boolean directoryOnly = p.endsWith("/");
    if (directoryOnly) {
      p = p.substring(0, p.length() - 1);
    }
    boolean anchored = p.indexOf('/') >= 0;
    if (p.startsWith("/")) {
      p = p.substring(1);
    }
    if (p.isEmpty()) {
      return null;
    }
    return new IgnorePattern(line, p, negated, directoryOnly, anchored);
  }

  boolean negated() {
    return negated;
  }

  /**
   * Whether the pattern matches.
   *
   * @param path relative to the ignore file's folder
   * @param name the last segment of {@code path}
   */
  boolean matches(String path, String name, boolean directory) {
    if (directoryOnly && !directory) {
      return false;
    }
    String subject = anchored ? path : name;
    return switch (kind) {
      case LITERAL -> subject.equals(literal);
      case SUFFIX -> subject.endsWith(literal);
      case GLOB -> Wildmatch.matches(glob, subject);
    };
  }

  @Override
  public String toString() {
    return source;
  }

  private static boolean hasGlobSpecial(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (Wildmatch.isGlobSpecial(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** Git's rule: trailing spaces are dropped unless the last one is escaped with a backslash. */
  private static String trimTrailingSpaces(String s) {
    int lastSpace = -1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ') {
        if (lastSpace < 0) {
          lastSpace = i;
        }
      } else if (c == '\\') {
        i++;
        if (i >= s.length()) {
          return s;
        }
        lastSpace = -1;
      } else {
        lastSpace = -1;
      }
    }
    return lastSpace < 0 ? s : s.substring(0, lastSpace);
  }
}
