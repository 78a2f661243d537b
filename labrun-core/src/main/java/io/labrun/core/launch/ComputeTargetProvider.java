package io.labrun.core.launch;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.TargetType;
import io.labrun.core.environment.EnvironmentUse;
import io.labrun.core.secret.TargetPasswords;
import java.util.List;

/**
 * Port: one target module's way in. A compute module names its provider in {@code
 * META-INF/services/io.labrun.core.launch.ComputeTargetProvider}; {@link TargetTypes} finds every
 * provider on the class path ({@link java.util.ServiceLoader}), so a new kind of target is one new
 * module and no edit of a central list. What the commands around runs need to know of a kind (what
 * {@code experiment clean} removes, whether a server can log in, how runs get their Python) the
 * provider says too, so they never ask which kind a target is.
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

  /** What {@code labrun experiment clean} removes that this module's targets made. */
  default TargetCleaner cleaner(TargetContext context) {
    return TargetCleaner.NOTHING;
  }

  /**
   * Why {@code spec} cannot log in with {@code passwords} (a server without the password its
   * operator must store), in one line; null when it can, or logs in nowhere.
   */
  default String cannotLogIn(ComputeTargetSpec spec, TargetPasswords passwords) {
    return null;
  }

  /**
   * How runs of {@code c} on {@code spec} get their Python ({@code runconfiguration show}); {@link
   * EnvironmentUse#byDefault} unless the module says otherwise.
   */
  default EnvironmentUse environment(ComputeTargetSpec spec, RunConfiguration c) {
    return EnvironmentUse.byDefault(spec.type(), c);
  }
}
