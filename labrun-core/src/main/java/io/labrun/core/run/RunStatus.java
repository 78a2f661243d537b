package io.labrun.core.run;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The one state model of a run. Every outside state (process exit codes, Docker states, Spark
 * application states, a lost connection) is mapped into it, and the allowed transitions live here
 * and nowhere else.
 */
public enum RunStatus {
  QUEUED,
  PREPARING,
  RUNNING,
  COMPLETED,
  FAILED,
  CANCELED,
  /** labrun lost track of the run: its process or container is gone without an exit record. */
  LOST;

  public boolean isFinal() {
    return this == COMPLETED || this == FAILED || this == CANCELED || this == LOST;
  }

  /** The states a run in this state may move to. */
  public Set<RunStatus> next() {
    return switch (this) {
      case QUEUED -> EnumSet.of(PREPARING, RUNNING, FAILED, CANCELED, LOST);
      // Preparing -> Queued: handed to a target that holds it in its own queue (a batch system's
      // pending job) until the script starts
      case PREPARING -> EnumSet.of(QUEUED, RUNNING, FAILED, CANCELED, LOST);
      case RUNNING -> EnumSet.of(COMPLETED, FAILED, CANCELED, LOST);
      // A run thought lost can still be found finished when its target is reachable again.
      case LOST -> EnumSet.of(COMPLETED, FAILED, CANCELED);
      case COMPLETED, FAILED, CANCELED -> EnumSet.noneOf(RunStatus.class);
    };
  }

  public boolean canMoveTo(RunStatus target) {
    return next().contains(target);
  }

  /** The spelling users see and type: {@code Completed}, {@code Running}... */
  public String display() {
    String n = name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }

  public static Optional<RunStatus> parse(String text) {
    for (RunStatus s : values()) {
      if (s.name().equalsIgnoreCase(text.trim())) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The final state of a process that exited with {@code exitCode}. */
  public static RunStatus ofExit(int exitCode, boolean canceled) {
    if (canceled) {
      return CANCELED;
    }
    return exitCode == 0 ? COMPLETED : FAILED;
  }
}
