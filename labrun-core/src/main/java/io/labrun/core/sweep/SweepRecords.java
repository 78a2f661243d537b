package io.labrun.core.sweep;

import java.util.Optional;

/**
 * Port: where a history keeps its sweeps: each sweep as it started (space, goal, limits, its points
 * and their first runs) and whether someone canceled it, so that no driver starts or retries
 * another of its runs. The run store keeps them next to the sweep's runs (table {@code sweeps}), so
 * a team server's sweeps live where its runs do; {@link SweepFiles} is the folder an older labrun
 * kept them in.
 */
public interface SweepRecords {
  /** Records the sweep as it started; recording it again replaces it (its cancel mark stays). */
  void write(Sweep sweep);

  /** The sweep, or empty when this history does not know it. */
  Optional<Sweep> read(String id);

  /** Marks the sweep canceled, known or not (a cancel may come before its record is read). */
  void markCanceled(String id);

  boolean canceled(String id);
}
