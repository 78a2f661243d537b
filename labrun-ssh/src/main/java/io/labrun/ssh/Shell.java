package io.labrun.ssh;

import java.util.List;

/**
 * Quoting for the few command lines labrun sends to a remote shell. Every word is single-quoted, so
 * nothing in it (spaces, quotes, {@code $}, {@code ;}, newlines) is ever interpreted. A run's own
 * arguments and environment never go through here: they travel in {@code launch.json}.
 */
public final class Shell {
  private Shell() {}

  public static String quote(String word) {
    if (!word.isEmpty() && word.chars().allMatch(Shell::plain)) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }

  public static String command(List<String> argv) {
    StringBuilder b = new StringBuilder();
    for (String w : argv) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(quote(w));
    }
    return b.toString();
  }

  private static boolean plain(int c) {
    return c >= 'a' && c <= 'z'
        || c >= 'A' && c <= 'Z'
        || c >= '0' && c <= '9'
        || "-_./=:,+@%".indexOf(c) >= 0;
  }
}
