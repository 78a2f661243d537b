package io.labrun.core.environment;

import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.TargetType;

/**
 * How runs of a configuration on a target get their Python, as {@code labrun runconfiguration show}
 * says it: a target module answers for its own kinds (its {@code ComputeTargetProvider}), so no
 * central code asks which kind of target it is.
 */
public enum EnvironmentUse {
  /** labrun makes the environment from the conda file when a run finds it missing. */
  BUILT_WITH_THE_RUN,
  /** labrun makes the environment from the conda file, ahead, with {@code experiment prepare}. */
  BUILT_BY_PREPARE,
  /** The target's interpreter as it is, nothing installed. */
  AS_IS,
  /**
   * The target's interpreter as it is, whatever the configuration asks: {@code PrepareEnvironment}
   * and the conda file have no effect (the original's {@code local} target).
   */
  AS_IS_WHATEVER_ASKED;

  /** Whether labrun makes the environment from the conda file. */
  public boolean isBuilt() {
    return this == BUILT_WITH_THE_RUN || this == BUILT_BY_PREPARE;
  }

  /**
   * A built environment, made with the run when {@code withTheRun} (the configuration's {@code
   * PrepareEnvironment: true}, or a target that asks for it itself), else ahead.
   */
  public static EnvironmentUse built(boolean withTheRun) {
    return withTheRun ? BUILT_WITH_THE_RUN : BUILT_BY_PREPARE;
  }

  /**
   * Runs in an image built from the conda file, unless the configuration keeps the image's own
   * interpreter ({@code userManagedDependencies: true}).
   */
  public static EnvironmentUse image(RunConfiguration c) {
    return c.interpreterAsIs() ? AS_IS : built(c.prepares());
  }

  /**
   * What a kind's module says unless it knows better: kinds that use Docker run in an image built
   * from the conda file ({@link #image}), the others use their interpreter as it is.
   */
  public static EnvironmentUse byDefault(TargetType kind, RunConfiguration c) {
    return kind.usesDocker() ? image(c) : AS_IS;
  }
}
