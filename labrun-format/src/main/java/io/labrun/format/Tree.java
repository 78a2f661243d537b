package io.labrun.format;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Plain nested maps (as {@link Node#toPlain()} gives them) addressed by dotted paths ({@code
 * environment.docker.enabled}): how a file with nested sections is changed one setting at a time.
 */
final class Tree {
  private Tree() {}

  /** A mutable deep copy of a plain map. */
  static Map<String, Object> copy(Object plain) {
    Map<String, Object> out = new LinkedHashMap<>();
    ((Map<?, ?>) plain)
        .forEach((k, v) -> out.put(String.valueOf(k), v instanceof Map<?, ?> m ? copy(m) : v));
    return out;
  }

  /**
   * Sets the value at {@code path}, creating the maps on the way; null removes it, and the maps it
   * leaves empty.
   */
  @SuppressWarnings("unchecked")
  static void set(Map<String, Object> tree, String path, Object value) {
    int dot = path.indexOf('.');
    if (dot < 0) {
      if (value == null) {
        tree.remove(path);
      } else {
        tree.put(path, value);
      }
      return;
    }
    String head = path.substring(0, dot);
    Object child = tree.get(head);
    if (!(child instanceof Map<?, ?>)) {
      if (value == null) {
        return;
      }
      child = new LinkedHashMap<String, Object>();
      tree.put(head, child);
    }
    Map<String, Object> map = (Map<String, Object>) child;
    set(map, path.substring(dot + 1), value);
    if (value == null && map.isEmpty()) {
      tree.remove(head);
    }
  }

  /** Equal, or both "nothing" (not set, an empty list or an empty map): no change worth writing. */
  static boolean same(Object a, Object b) {
    return Objects.equals(a, b) || (nothing(a) && nothing(b));
  }

  private static boolean nothing(Object v) {
    return v == null
        || (v instanceof Collection<?> c && c.isEmpty())
        || (v instanceof Map<?, ?> m && m.isEmpty());
  }

  /** The top-level entries of a tree, for a writer. */
  static List<Edit.Append> entries(Map<String, Object> tree) {
    List<Edit.Append> out = new ArrayList<>();
    tree.forEach((k, v) -> out.add(new Edit.Append(k, v)));
    return out;
  }

  /** A small ordered map from alternating keys and values. */
  static Map<String, Object> of(Object... keysAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return out;
  }
}
