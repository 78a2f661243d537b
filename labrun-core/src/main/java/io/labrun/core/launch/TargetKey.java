package io.labrun.core.launch;

import java.util.Optional;
import java.util.function.Function;

/**
 * A {@code .compute} key a target module reads, and what its value must be. The project format
 * checks it when it reads the file and reports a wrong value at its line and column.
 *
 * @param name the key as written in the file
 * @param kind what its value must be
 * @param check for text values (each item of a list), what is wrong with one, said for a one-line
 *     error naming the key; empty when it is fine
 */
public record TargetKey(String name, Kind kind, Function<String, Optional<String>> check) {
  /** What a value may be, in the words the format's messages use. */
  public enum Kind {
    /** a string */
    TEXT,
    /** a plain {@code true} or {@code false} */
    BOOLEAN,
    /** a whole number */
    INTEGER,
    /** a positive whole number */
    COUNT,
    /** a list of strings */
    TEXT_LIST
  }

  /** A key whose value needs only be of its kind. */
  public TargetKey(String name, Kind kind) {
    this(name, kind, value -> Optional.empty());
  }
}
