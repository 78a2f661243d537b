package io.labrun.core.launch;

import io.labrun.core.supervisor.ExitRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Port: a started run on some compute target, seen through its supervisor's state folder (see
 * {@code docs/architecture.md}, "the supervisor protocol"). The run goes on whether or not anyone
 * holds this object; a later labrun process gets it back with {@link ComputeTarget#reattach}.
 */
public interface Execution {
  /** Target facts to record with the run so it can be found again (pid, container id, host). */
  Map<String, String> attributes();

  /**
   * Reads stored output from {@code offset}: at most {@code max} bytes of whole records, empty when
   * there is nothing new yet.
   */
  byte[] readOutput(long offset, int max) throws IOException;

  /** The exit record once the run has ended; a run whose supervisor vanished ends as lost. */
  Optional<ExitRecord> poll() throws IOException;

  /**
   * While the target holds the launched run in its own queue (a Slurm job PENDING; a YARN
   * application ACCEPTED or an image being pulled could say the same): why it waits, in the
   * target's words. Empty once the script has started. Asked after {@link #poll} found the run
   * going, so it may answer from what that poll learned. The default: runs start when launched.
   */
  default Optional<String> queued() throws IOException {
    return Optional.empty();
  }

  /**
   * Waits up to {@code max} for something to happen (new output, the end); returns early when the
   * target can tell. The default just sleeps.
   */
  default void awaitChange(Duration max) throws InterruptedException {
    Thread.sleep(max.toMillis());
  }

  /**
   * Whether the run's supervisor writes {@code output.log} into the local state folder as it goes.
   * A run on another host says no until it is collected: its log is read from there, and whoever
   * wants it here as it grows copies what {@link #readOutput} gives.
   */
  default boolean writesLocalOutput() {
    return true;
  }

  /**
   * Asks the run to stop: TERM to its process group, KILL after a grace period. Returns at once.
   */
  void cancel() throws IOException;

  /**
   * Makes the finished run's results readable on this machine: its {@code ./outputs} folder and its
   * metrics folder. Targets on this machine return where they are; remote ones copy them into
   * {@code scratch}. Also brings the full output log to the state folder if it lives elsewhere.
   */
  Collected collect(Path scratch) throws IOException;

  /** Where a finished run's outputs and metrics can be read (either may not exist). */
  record Collected(Path outputs, Path metrics) {}

  /** Frees what the run held on the target (working folder, container). Idempotent. */
  void cleanUp() throws IOException;
}
