package io.labrun.core.launch;

/**
 * A {@code .compute} key a target module reads, and what its value must be. The project format
 * checks it when it reads the file and reports a wrong value at its line and column.
 *
 * @param name the key as written in the file
 * @param kind what its value must be
 */
public record TargetKey(String name, Kind kind) {
  /** What a value may be, in the words the format's messages use. */
  public enum Kind {
    /** a string */
    TEXT,
    /** a plain {@code true} or {@code false} */
    BOOLEAN,
    /** a whole number */
    INTEGER
  }
}
