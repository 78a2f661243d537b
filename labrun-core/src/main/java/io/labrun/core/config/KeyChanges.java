package io.labrun.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keys to set and keys to remove in one project file, as {@code labrun computetarget set NAME
 * KEY=VALUE} and {@code unset NAME KEY} give them: each value is the text typed on the command
 * line, read as the file would read it ({@code 2222} is a number, {@code true} a boolean, {@code
 * [a, b]} a list).
 */
public record KeyChanges(Map<String, String> set, List<String> unset) {
  public KeyChanges {
    set = Collections.unmodifiableMap(new LinkedHashMap<>(set));
    unset = List.copyOf(unset);
  }

  public static KeyChanges setting(Map<String, String> set) {
    return new KeyChanges(set, List.of());
  }

  public static KeyChanges removing(List<String> unset) {
    return new KeyChanges(Map.of(), unset);
  }
}
