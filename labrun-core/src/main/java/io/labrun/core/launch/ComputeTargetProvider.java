package io.labrun.core.launch;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import java.util.List;

/**
 * Port: one target module's way in. A compute module names its provider in {@code
 * META-INF/services/io.labrun.core.launch.ComputeTargetProvider}; {@link TargetTypes} finds every
 * provider on the class path ({@link java.util.ServiceLoader}), so a new kind of target is one new
 * module and no edit of a central list.
 */
public interface ComputeTargetProvider {
  /** The kinds of target this module runs, as {@code .compute} files name them. */
  List<TargetType> types();

  /**
   * labrun keys of a {@code .compute} file that this module reads beyond the common ones, checked
   * when the file is read (for the original's kinds the format module knows its keys itself).
   */
  default List<TargetKey> keys() {
    return List.of();
  }

  /**
   * The target for {@code spec} (one of {@link #types()}), made from what the assembly offers.
   * Throws a {@code LabrunException} saying what to fix when the file lacks something it needs.
   */
  ComputeTarget create(ComputeTargetSpec spec, TargetContext context);
}
