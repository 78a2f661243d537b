package io.labrun.core.history;

import io.labrun.core.error.LabrunException;
import io.labrun.core.history.RunStore.Note;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What people change about a run after it was submitted: tags set or removed, and its note ({@code
 * labrun history tag|note}, {@code PATCH /api/v1/runs/ID}, the web UI's run page). One operation
 * for every front end, checked before anything is written, so a bad edit leaves the history as it
 * was.
 *
 * @param tags tags to set (name to value)
 * @param untag names of tags to remove
 * @param note the new note; null leaves it, empty removes it
 */
public record RunEdit(Map<String, String> tags, Set<String> untag, String note) {
  public static final int MAX_NAME = 250;
  public static final int MAX_VALUE = 5_000;
  public static final int MAX_NOTE = 64 * 1024;

  public RunEdit {
    tags = tags == null ? Map.of() : new LinkedHashMap<>(tags);
    untag = untag == null ? Set.of() : new LinkedHashSet<>(untag);
    for (Map.Entry<String, String> t : tags.entrySet()) {
      checkName(t.getKey());
      if (t.getValue() == null) {
        throw LabrunException.badInput(
            "tag '" + t.getKey() + "' has no value; to remove it, name it in untag (--remove)");
      }
      if (t.getValue().length() > MAX_VALUE) {
        throw LabrunException.badInput(
            "the value of tag '" + t.getKey() + "' is over " + MAX_VALUE + " characters");
      }
    }
    for (String name : untag) {
      checkName(name);
      if (tags.containsKey(name)) {
        throw LabrunException.badInput(
            "tag '" + name + "' is both set and removed; do one or the other");
      }
    }
    if (note != null && note.length() > MAX_NOTE) {
      throw LabrunException.badInput(
          "the note is over " + MAX_NOTE + " characters; keep long text in an artifact");
    }
    if (tags.isEmpty() && untag.isEmpty() && note == null) {
      throw LabrunException.badInput("nothing to change: give tags to set or remove, or a note");
    }
  }

  /** Writes the edit into {@code store}: tags first, then the note, signed by {@code by}. */
  public void applyTo(RunStore store, String runId, String by, Instant now) {
    store.putTags(runId, tags);
    store.removeTags(runId, untag);
    if (note != null) {
      store.putNote(runId, new Note(note.strip(), by, now));
    }
  }

  private static void checkName(String name) {
    if (name == null || name.isBlank()) {
      throw LabrunException.badInput("a tag needs a name");
    }
    if (name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
      throw LabrunException.badInput(
          "tag name '"
              + name.replaceAll("\\p{Cntrl}", "?")
              + "' is not allowed: at most "
              + MAX_NAME
              + " characters, no control characters");
    }
  }
}
