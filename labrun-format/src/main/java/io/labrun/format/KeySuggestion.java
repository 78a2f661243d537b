package io.labrun.format;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The known key a misspelled one was probably meant to be, by edit distance. */
final class KeySuggestion {
  private KeySuggestion() {}

  /** The nearest of {@code known}, if it is close: at most a third of the key's letters differ. */
  static Optional<String> nearest(String key, List<String> known) {
    String k = key.toLowerCase(Locale.ROOT);
    int allowed = Math.max(2, key.length() / 3);
    record Scored(String candidate, int distance) {}
    return known.stream()
        .map(c -> new Scored(c, distance(k, c.toLowerCase(Locale.ROOT))))
        .filter(s -> s.distance() <= allowed)
        .min(Comparator.comparingInt(Scored::distance))
        .map(Scored::candidate);
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
