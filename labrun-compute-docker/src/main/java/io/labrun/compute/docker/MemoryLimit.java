package io.labrun.compute.docker;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.MemorySize;
import io.labrun.core.error.LabrunException;
import java.util.Optional;

/**
 * The {@code memoryLimit} of a Docker compute target ({@code 512m}, {@code 2g}, or a number of
 * bytes): the most memory a run's container may use, swap included. Past it the kernel's
 * out-of-memory killer ends the biggest process, the script as a rule, and the run is retried when
 * it asked for retries. The project-format reader already refused a value that is no size, with its
 * line and column; the check here covers a spec built another way.
 */
record MemoryLimit(long bytes, String written) {
  static final String KEY = "memoryLimit";

  /**
   * The target's limit, if its file sets one; a value that is no size is one line saying what to
   * write.
   */
  static Optional<MemoryLimit> of(ComputeTargetSpec spec) {
    Object v = spec.otherKeys().get(KEY);
    if (v == null) {
      return Optional.empty();
    }
    String written = String.valueOf(v).strip();
    long bytes =
        MemorySize.parse(written)
            .orElseThrow(
                () ->
                    LabrunException.badInput(
                        KEY
                            + " in aml_config/"
                            + spec.name()
                            + ".compute must be "
                            + MemorySize.ALLOWED
                            + "; got "
                            + (v instanceof String ? "\"" + written + "\"" : written)));
    return Optional.of(new MemoryLimit(bytes, written));
  }
}
