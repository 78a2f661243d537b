package io.labrun.core.launch;

import io.labrun.core.environment.CleanReport;

/**
 * What {@code labrun experiment clean} removes that one target module made (images, cached
 * environments, a host's caches and finished run folders), offered by its {@link
 * ComputeTargetProvider}; so the command asks every module and names none.
 */
@FunctionalInterface
public interface TargetCleaner {
  /** A module that leaves nothing behind. */
  TargetCleaner NOTHING = request -> CleanReport.empty();

  /**
   * Removes what is no longer needed and says what it removed and kept. A place it cannot reach is
   * a warning ({@link CleanRequest#warn}), not a failure of the whole clean.
   */
  CleanReport clean(CleanRequest request);
}
