package io.labrun.format;

import io.labrun.core.config.ConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The keys of one kind of flat keyed file ({@code .compute}, {@code .runconfig}): how each key is
 * spelled, read, taken from the typed value and written back, and which other keys are kept quietly
 * or with a warning. Reading and rewriting a file both go through this one table, so the two cannot
 * drift apart.
 */
final class KeyTable<S> {

  /** Reads the value of one key; {@code key} is the spelling the file used. */
  interface Reader {
    Object read(Values values, String key, Node value);
  }

  /**
   * One key. {@code aliases} are other accepted spellings; {@code legacyJsonName} is the spelling
   * of the original's JSON files, used when labrun adds the key to such a file.
   */
  record Key<S>(
      String name,
      List<String> aliases,
      String legacyJsonName,
      Reader reader,
      Function<S, Object> get,
      Function<Object, Object> toPlain) {
    static <S> Key<S> of(String name, Reader reader, Function<S, Object> get) {
      return new Key<>(name, List.of(), name, reader, get, v -> v);
    }

    Key<S> writtenAs(Function<Object, Object> toPlain) {
      return new Key<>(name, aliases, legacyJsonName, reader, get, toPlain);
    }

    Key<S> alsoSpelled(String alias, boolean legacyJson) {
      List<String> all = new ArrayList<>(aliases);
      all.add(alias);
      return new Key<>(
          name, List.copyOf(all), legacyJson ? alias : legacyJsonName, reader, get, toPlain);
    }

    boolean spelled(String key) {
      return name.equals(key) || aliases.contains(key);
    }
  }

  /**
   * What a file holds, by canonical key name. {@code unreadable} lists keys whose value was invalid
   * when reading leniently (to update a file, not to run with it).
   */
  record Reading(
      Map<String, Object> typed,
      Map<String, Object> otherKeys,
      List<String> warnings,
      Set<String> unreadable) {}

  private final List<Key<S>> keys;
  private final Set<String> quietKeys;
  private final Map<String, String> inertKeys;
  private final Map<String, Reader> checkedKeys;

  KeyTable(List<Key<S>> keys, Set<String> quietKeys, Map<String, String> inertKeys) {
    this(keys, quietKeys, inertKeys, Map.of());
  }

  /**
   * {@code checkedKeys} are kept with the other keys (the typed value has no field for them: a
   * target reads them from its other keys) but their values are checked as every known key's is.
   */
  KeyTable(
      List<Key<S>> keys,
      Set<String> quietKeys,
      Map<String, String> inertKeys,
      Map<String, Reader> checkedKeys) {
    this.keys = List.copyOf(keys);
    this.quietKeys = Set.copyOf(quietKeys);
    this.inertKeys = Map.copyOf(inertKeys);
    this.checkedKeys = Map.copyOf(checkedKeys);
  }

  /** The reader of a key kept with the other keys but checked, or null. */
  Reader checked(String key) {
    return checkedKeys.get(key);
  }

  /** Every key a command may set: the table's own and the checked ones. */
  List<String> settableNames() {
    List<String> out = new ArrayList<>(keys.stream().map(Key::name).toList());
    checkedKeys.keySet().stream().sorted().forEach(out::add);
    return out;
  }

  List<Key<S>> keys() {
    return keys;
  }

  Key<S> find(String spelling) {
    return keys.stream().filter(k -> k.spelled(spelling)).findFirst().orElse(null);
  }

  /** A key kept quietly or with its own warning: known to this kind of file, though not read. */
  boolean isQuietOrInert(String key) {
    return quietKeys.contains(key) || inertKeys.containsKey(key);
  }

  Reading read(Node.Mapping root, Values values, boolean lenient) {
    Map<String, Object> typed = new LinkedHashMap<>();
    Map<String, Object> other = new LinkedHashMap<>();
    Map<String, String> spelledAs = new HashMap<>();
    List<String> warnings = new ArrayList<>();
    Set<String> unreadable = new HashSet<>();
    for (Node.Entry e : root == null ? List.<Node.Entry>of() : root.entries()) {
      Key<S> key = find(e.key());
      if (key == null) {
        other.put(e.key(), e.value().toPlain());
        Reader check = checkedKeys.get(e.key());
        if (check == null) {
          warnAbout(e, values, warnings);
        } else if (!lenient) {
          check.read(values, e.key(), e.value());
        }
        continue;
      }
      try {
        Object value = key.reader().read(values, e.key(), e.value());
        String earlier = spelledAs.putIfAbsent(key.name(), e.key());
        if (earlier != null && !Objects.equals(typed.get(key.name()), value)) {
          throw values.error(
              e.value().position(),
              Node.quoteKey(earlier)
                  + " and "
                  + Node.quoteKey(e.key())
                  + " are two names for one setting and differ ("
                  + shown(typed.get(key.name()))
                  + " vs "
                  + shown(value)
                  + "); keep one");
        }
        typed.put(key.name(), value);
      } catch (ConfigException ex) {
        if (!lenient) {
          throw ex;
        }
        unreadable.add(key.name());
      }
    }
    return new Reading(typed, other, warnings, unreadable);
  }

  private void warnAbout(Node.Entry e, Values values, List<String> warnings) {
    String at = e.keyPosition().in(values.file()) + ": ";
    if (quietKeys.contains(e.key())) {
      return;
    }
    String inert = inertKeys.get(e.key());
    if (inert != null) {
      warnings.add(at + Node.quoteKey(e.key()) + " " + inert);
      return;
    }
    String hint =
        KeySuggestion.nearest(e.key(), settableNames())
            .map(k -> " (did you mean '" + k + "'?)")
            .orElse("");
    warnings.add(at + "unknown key " + Node.quoteKey(e.key()) + " kept as is" + hint);
  }

  private static String shown(Object v) {
    return v == null ? "no value" : v instanceof String s ? Node.quote(s) : String.valueOf(v);
  }
}
