package io.labrun.core.run;

/**
 * Port: where a run's live events go while someone watches it (a terminal, an SSE stream). Every
 * method has an empty default so a sink only implements what it shows.
 */
public interface RunEvents {
  default void status(Run run) {}

  default void log(LogRecord record) {}

  /** A line of labrun's own progress (preparing, building, collecting outputs). */
  default void progress(String message) {}

  /**
   * The latest line of a long step (a build's output): a terminal may show it in place, replaced by
   * the next one; a log or a pipe ignores it (the whole output is kept in a file).
   */
  default void transientProgress(String line) {}

  RunEvents NONE = new RunEvents() {};
}
