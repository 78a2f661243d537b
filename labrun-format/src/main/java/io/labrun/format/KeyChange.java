package io.labrun.format;

import io.labrun.core.config.ConfigException;
import io.labrun.core.config.KeyChanges;
import io.labrun.core.error.LabrunException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Applies {@link KeyChanges} from the command line to what a keyed file holds: each new value is
 * read by the key's own reader, as if it were written in the file, so a value the file would refuse
 * is refused here with the same words. The result is a new {@link KeyTable.Reading}, which the
 * file's writer turns into edits of only the changed keys.
 */
final class KeyChange {
  private KeyChange() {}

  /**
   * The reading after the changes. {@code old} is a lenient reading of {@code root}; a value of the
   * file that is invalid and not being changed is refused as a read would refuse it, so that no
   * change quietly drops it. {@code required} is the key the file cannot lack.
   */
  static <S> KeyTable.Reading apply(
      KeyTable<S> table,
      Node.Mapping root,
      Values values,
      KeyTable.Reading old,
      KeyChanges changes,
      String fileLabel,
      String required) {
    refuseUntouchedErrors(table, root, values, old, changes);
    Map<String, Object> typed = new LinkedHashMap<>(old.typed());
    Map<String, Object> other = new LinkedHashMap<>(old.otherKeys());
    changes.set().forEach((key, text) -> set(table, key, text, fileLabel, typed, other));
    for (String key : changes.unset()) {
      KeyTable.Key<S> k = table.find(key);
      if (k != null && k.name().equals(required)) {
        throw LabrunException.badInput(
            "'"
                + key
                + "' cannot be removed: "
                + fileLabel
                + " needs it; set another value instead");
      }
      if (k == null && table.checked(key) == null && !other.containsKey(key)) {
        throw unknown(table, key, fileLabel);
      }
      if (k != null) {
        typed.remove(k.name());
      }
      other.remove(key);
    }
    return new KeyTable.Reading(typed, other, List.of(), new HashSet<>());
  }

  private static <S> void set(
      KeyTable<S> table,
      String key,
      String text,
      String fileLabel,
      Map<String, Object> typed,
      Map<String, Object> other) {
    Node node = node(key, text);
    if (node instanceof Node.Scalar s && s.isNull()) {
      throw LabrunException.badInput(
          "'" + key + "' needs a value (" + key + "=VALUE); to remove the key use unset");
    }
    Values values = new Values(key + "=" + text);
    KeyTable.Key<S> k = table.find(key);
    KeyTable.Reader checked = table.checked(key);
    if (k == null && checked == null && !other.containsKey(key)) {
      throw unknown(table, key, fileLabel);
    }
    try {
      if (k != null) {
        typed.put(k.name(), k.reader().read(values, key, node));
      } else {
        if (checked != null) {
          checked.read(values, key, node);
        }
        other.put(key, node.toPlain()); // a checked key, or an unknown one the file has already
      }
    } catch (ConfigException e) {
      throw LabrunException.badInput(e.problem() + " (" + fileLabel + " is unchanged)");
    }
  }

  /**
   * A command-line value as a node: text that starts with '[' or '{' is a YAML flow list or map;
   * anything else is one scalar, typed as YAML types it (2222, true, null), and taken as text when
   * it would not read as one value ({@code Train: fast} is the text "Train: fast").
   */
  static Node node(String key, String text) {
    String t = text.strip();
    boolean flow = t.startsWith("[") || t.startsWith("{");
    try {
      Optional<Node> n = TreeReader.read(SourceText.of(key, text), TreeReader.Syntax.YAML);
      if (n.isEmpty()) {
        return new Node.Scalar(Node.Kind.NULL, "", null, Position.FILE);
      }
      if (flow || n.get() instanceof Node.Scalar) {
        return n.get();
      }
    } catch (ConfigException e) {
      if (flow) {
        throw LabrunException.badInput(
            "'"
                + key
                + "': the value "
                + Node.quote(text)
                + " is no valid YAML list or map: "
                + e.problem());
      }
    }
    return new Node.Scalar(Node.Kind.STRING, text, text, Position.FILE);
  }

  /**
   * Reads the new text as the file will be read, so a change never leaves a file labrun refuses.
   */
  static void check(SourceText existing, String newText, Consumer<SourceText> read) {
    try {
      read.accept(SourceText.of(existing.label(), newText));
    } catch (ConfigException e) {
      throw LabrunException.badInput(
          "the change would leave "
              + existing.label()
              + " invalid ("
              + e.problem()
              + "); it is unchanged");
    }
  }

  private static <S> void refuseUntouchedErrors(
      KeyTable<S> table,
      Node.Mapping root,
      Values values,
      KeyTable.Reading old,
      KeyChanges changes) {
    for (Node.Entry e : root == null ? List.<Node.Entry>of() : root.entries()) {
      KeyTable.Key<S> k = table.find(e.key());
      boolean changed =
          changes.set().containsKey(e.key())
              || changes.unset().contains(e.key())
              || k != null
                  && (changes.set().keySet().stream().anyMatch(k::spelled)
                      || changes.unset().stream().anyMatch(k::spelled));
      if (changed) {
        continue;
      }
      if (k != null && old.unreadable().contains(k.name())) {
        k.reader().read(values, e.key(), e.value());
      }
      KeyTable.Reader checked = table.checked(e.key());
      if (k == null && checked != null) {
        checked.read(values, e.key(), e.value());
      }
    }
  }

  private static <S> LabrunException unknown(KeyTable<S> table, String key, String fileLabel) {
    String hint =
        KeySuggestion.nearest(key, table.settableNames())
            .map(k -> "did you mean '" + k + "'? ")
            .orElse("");
    return LabrunException.badInput(
        "unknown key '"
            + key
            + "' for "
            + fileLabel
            + " ("
            + hint
            + "keys: "
            + String.join(", ", table.settableNames())
            + ")");
  }
}
