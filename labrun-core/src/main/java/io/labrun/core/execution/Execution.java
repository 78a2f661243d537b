package io.labrun.core.execution;

import java.io.IOException;
import java.nio.file.Path;
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

  /** Asks the run to stop: TERM to its process group, KILL after a grace period. Returns at once. */
  void cancel() throws IOException;

  /**
   * Brings the finished run's results to this machine: files of {@code ./outputs} under {@code
   * into/outputs} and metric files under {@code into/metrics}. Returns {@code into}.
   */
  Path collect(Path into) throws IOException;

  /** Frees what the run held on the target (working folder, container). Idempotent. */
  void cleanUp() throws IOException;
}
