package io.labrun.core.environment;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code labrun experiment clean} removed (one line each), what it left and why, and the space
 * it freed.
 */
public record CleanReport(List<String> removed, List<String> kept, long bytesFreed) {
  public CleanReport {
    removed = List.copyOf(removed);
    kept = List.copyOf(kept);
  }

  public static CleanReport empty() {
    return new CleanReport(List.of(), List.of(), 0);
  }

  public CleanReport plus(CleanReport other) {
    List<String> r = new ArrayList<>(removed);
    r.addAll(other.removed);
    List<String> k = new ArrayList<>(kept);
    k.addAll(other.kept);
    return new CleanReport(r, k, bytesFreed + other.bytesFreed);
  }
}
