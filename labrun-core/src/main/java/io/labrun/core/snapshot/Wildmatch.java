package io.labrun.core.snapshot;

/**
 * Git's {@code wildmatch()} with {@code WM_PATHNAME}, the matcher behind {@code .gitignore}: {@code
 * *} and {@code ?} never match {@code /}; {@code **} as a whole segment ({@code **}{@code /},
 * {@code /**}, {@code /**}{@code /}) matches any number of folders; {@code [a-z]}, {@code [!x]},
 * {@code [^x]} and POSIX classes such as {@code [[:digit:]]}; a backslash takes the next character
 * literally. Ported from git's {@code wildmatch.c}, including its early exits, so a pattern costs
 * no more than it does in Git.
 */
final class Wildmatch {
  private static final int MATCH = 0;
  private static final int NOMATCH = 1;
  private static final int ABORT_ALL = -1;
  private static final int ABORT_TO_STARSTAR = -2;

  private Wildmatch() {}

  static boolean matches(String pattern, String text) {
    return match(pattern, 0, text, 0) == MATCH;
  }

  static boolean isGlobSpecial(char c) {
    return c == '*' || c == '?' || c == '[' || c == '\\';
  }

  private static int match(String p, int pi, String t, int ti) {
    int plen = p.length();
    int tlen = t.length();
    for (; pi < plen; pi++, ti++) {
      char pc = p.charAt(pi);
      if (ti >= tlen && pc != '*') {
        return ABORT_ALL;
      }
      char tc = ti < tlen ? t.charAt(ti) : 0;
      switch (pc) {
        case '\\':
          if (++pi >= plen || t.charAt(ti) != p.charAt(pi)) {
            return NOMATCH;
          }
          continue;
        case '?':
          if (tc == '/') {
            return NOMATCH;
          }
          continue;
        case '[':
          {
            int end = matchClass(p, pi, tc);
            if (end < 0) {
              return end == -1 ? ABORT_ALL : NOMATCH;
            }
            pi = end;
            continue;
          }
        case '*':
          {
            boolean matchSlash = false;
            if (pi + 1 < plen && p.charAt(pi + 1) == '*') {
              int before = pi - 1;
              while (pi + 1 < plen && p.charAt(pi + 1) == '*') {
                pi++;
              }
              int after = pi + 1;
              boolean wholeSegment =
                  (before < 0 || p.charAt(before) == '/')
                      && (after == plen
                          || p.charAt(after) == '/'
                          || (p.charAt(after) == '\\'
                              && after + 1 < plen
                              && p.charAt(after + 1) == '/'));
              if (wholeSegment) {
                // "a/**/b" also matches "a/b": try "**/" as matching nothing first.
                if (after < plen && p.charAt(after) == '/' && match(p, after + 1, t, ti) == MATCH) {
                  return MATCH;
                }
                matchSlash = true;
              }
            }
            int next = pi + 1;
            if (next == plen) {
              // A trailing "**" matches everything, a trailing "*" only within this segment.
              return !matchSlash && t.indexOf('/', ti) >= 0 ? NOMATCH : MATCH;
            }
            if (!matchSlash && p.charAt(next) == '/') {
              // One "*" then "/" matches up to the next folder separator.
              int slash = t.indexOf('/', ti);
              if (slash < 0) {
                return NOMATCH;
              }
              ti = slash;
              pi = next;
              continue;
            }
            return matchStar(p, next, t, ti, matchSlash);
          }
        default:
          if (tc != pc) {
            return NOMATCH;
          }
      }
    }
    return ti < tlen ? NOMATCH : MATCH;
  }

  private static int matchStar(String p, int next, String t, int ti, boolean matchSlash) {
    int tlen = t.length();
    char literal = p.charAt(next);
    while (ti < tlen) {
      if (!isGlobSpecial(literal)) {
        // What comes before the literal after the star must belong to the star: skip to it.
        while (ti < tlen && (matchSlash || t.charAt(ti) != '/') && t.charAt(ti) != literal) {
          ti++;
        }
        if (ti >= tlen || t.charAt(ti) != literal) {
          return NOMATCH;
        }
      }
      int m = match(p, next, t, ti);
      if (m != NOMATCH) {
        if (!matchSlash || m != ABORT_TO_STARSTAR) {
          return m;
        }
      } else if (!matchSlash && t.charAt(ti) == '/') {
        return ABORT_TO_STARSTAR;
      }
      ti++;
    }
    return ABORT_ALL;
  }

  /**
   * Matches {@code tc} against the class starting at {@code p[open] == '['}. Returns the index of
   * the closing {@code ]} on a match, -2 on no match, -1 for a malformed class (as Git, the whole
   * pattern then matches nothing).
   */
  private static int matchClass(String p, int open, char tc) {
    int plen = p.length();
    int i = open + 1;
    boolean negated = i < plen && (p.charAt(i) == '!' || p.charAt(i) == '^');
    if (negated) {
      i++;
    }
    boolean matched = false;
    boolean first = true;
    char prev = 0;
    boolean havePrev = false;
    while (true) {
      if (i >= plen) {
        return -1;
      }
      char c = p.charAt(i);
      if (c == ']' && !first) {
        break;
      }
      first = false;
      if (c == '\\') {
        if (++i >= plen) {
          return -1;
        }
        c = p.charAt(i);
        matched |= tc == c;
        prev = c;
        havePrev = true;
      } else if (c == '-' && havePrev && i + 1 < plen && p.charAt(i + 1) != ']') {
        char hi = p.charAt(++i);
        if (hi == '\\') {
          if (++i >= plen) {
            return -1;
          }
          hi = p.charAt(i);
        }
        matched |= tc >= prev && tc <= hi;
        havePrev = false;
      } else if (c == '[' && i + 1 < plen && p.charAt(i + 1) == ':') {
        int close = p.indexOf(']', i + 2);
        if (close < 0) {
          return -1;
        }
        if (close - 1 >= i + 2 && p.charAt(close - 1) == ':') {
          int r = posixClass(p.substring(i + 2, close - 1), tc);
          if (r < 0) {
            return -1;
          }
          matched |= r == 1;
          i = close;
          havePrev = false;
        } else {
          // No ":]": the '[' is an ordinary member of the set.
          matched |= tc == '[';
          prev = '[';
          havePrev = true;
        }
      } else {
        matched |= tc == c;
        prev = c;
        havePrev = true;
      }
      i++;
    }
    return matched == negated || tc == '/' ? -2 : i;
  }

  /** 1 if {@code c} is in the ASCII class, 0 if not, -1 for an unknown class name. */
  private static int posixClass(String name, char c) {
    boolean in;
    switch (name) {
      case "alnum" -> in = isAsciiLetter(c) || isAsciiDigit(c);
      case "alpha" -> in = isAsciiLetter(c);
      case "blank" -> in = c == ' ' || c == '\t';
      case "cntrl" -> in = c < 0x20 || c == 0x7f;
      case "digit" -> in = isAsciiDigit(c);
      case "graph" -> in = c > 0x20 && c < 0x7f;
      case "lower" -> in = c >= 'a' && c <= 'z';
      case "print" -> in = c >= 0x20 && c < 0x7f;
      case "punct" -> in = c > 0x20 && c < 0x7f && !isAsciiLetter(c) && !isAsciiDigit(c);
      case "space" -> in = c == ' ' || (c >= '\t' && c <= '\r');
      case "upper" -> in = c >= 'A' && c <= 'Z';
      case "xdigit" -> in = isAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      default -> {
        return -1;
      }
    }
    return in ? 1 : 0;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
