package io.labrun.core.config;

import java.util.List;

/**
 * A value read from a project file, with the warnings reading it raised (unknown keys, inert keys).
 */
public record Loaded<T>(T value, List<String> warnings) {
  public Loaded {
    warnings = List.copyOf(warnings);
  }

  public static <T> Loaded<T> clean(T value) {
    return new Loaded<>(value, List.of());
  }
}
