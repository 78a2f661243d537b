package io.labrun.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step of updating an existing keyed file: keep a top-level key as written, replace its value,
 * delete it, or append a new key. Only keys whose value really changed are touched, so a rewrite
 * leaves the rest of the file (comments, spelling, quoting) alone.
 */
sealed interface Edit {
  record Keep(Node.Entry entry) implements Edit {}

  record Replace(Node.Entry entry, Object value) implements Edit {}

  record Delete(Node.Entry entry) implements Edit {}

  record Append(String key, Object value) implements Edit {}

  /**
   * The edits that turn the file read as {@code old} (its top-level map {@code root}, possibly null
   * for an empty file) into {@code spec} with {@code otherKeys}. {@code legacyJson} picks the
   * original's JSON spelling for appended keys.
   */
  static <S> List<Edit> plan(
      KeyTable<S> table,
      Node.Mapping root,
      KeyTable.Reading old,
      S spec,
      Map<String, Object> otherKeys,
      boolean legacyJson) {
    List<Edit> edits = new ArrayList<>();
    List<Node.Entry> entries = root == null ? List.of() : root.entries();
    for (Node.Entry e : entries) {
      KeyTable.Key<S> key = table.find(e.key());
      if (key != null) {
        Object now = key.get().apply(spec);
        boolean same =
            !old.unreadable().contains(key.name())
                && Objects.equals(old.typed().get(key.name()), now);
        edits.add(
            same
                ? new Keep(e)
                : now == null ? new Delete(e) : new Replace(e, key.toPlain().apply(now)));
      } else if (otherKeys.containsKey(e.key())) {
        Object now = otherKeys.get(e.key());
        edits.add(Objects.equals(e.value().toPlain(), now) ? new Keep(e) : new Replace(e, now));
      } else {
        edits.add(new Delete(e));
      }
    }
    for (KeyTable.Key<S> key : table.keys()) {
      Object now = key.get().apply(spec);
      boolean inFile = entries.stream().anyMatch(e -> key.spelled(e.key()));
      // A value the file implies without writing it (a legacy 'cluster: True' means type cluster)
      // is not added.
      boolean implied = Objects.equals(old.typed().get(key.name()), now);
      if (now != null && !inFile && !implied) {
        edits.add(
            new Append(legacyJson ? key.legacyJsonName() : key.name(), key.toPlain().apply(now)));
      }
    }
    otherKeys.forEach(
        (name, value) -> {
          boolean inFile = entries.stream().anyMatch(e -> e.key().equals(name));
          if (!inFile && table.find(name) == null) {
            edits.add(new Append(name, value));
          }
        });
    return edits;
  }

  /** The entries of a file written from scratch: known keys in table order, then the others. */
  static <S> List<Append> fresh(
      KeyTable<S> table, S spec, Map<String, Object> otherKeys, boolean legacyJson) {
    List<Append> out = new ArrayList<>();
    for (KeyTable.Key<S> key : table.keys()) {
      Object now = key.get().apply(spec);
      if (now != null) {
        out.add(
            new Append(legacyJson ? key.legacyJsonName() : key.name(), key.toPlain().apply(now)));
      }
    }
    otherKeys.forEach(
        (name, value) -> {
          if (table.find(name) == null) {
            out.add(new Append(name, value));
          }
        });
    return out;
  }

  /**
   * The entries a whole-file writer (JSON) emits for a plan: kept and replaced keys in file order,
   * then new ones.
   */
  static List<Append> asEntries(List<Edit> edits) {
    List<Append> out = new ArrayList<>();
    for (Edit e : edits) {
      if (e instanceof Keep k) {
        out.add(new Append(k.entry().key(), k.entry().value().toPlain()));
      } else if (e instanceof Replace r) {
        out.add(new Append(r.entry().key(), r.value()));
      } else if (e instanceof Append a) {
        out.add(a);
      }
    }
    return out;
  }
}
