package io.labrun.core.config;

import java.util.List;

/**
 * Port: the configuration files of one project ({@code aml_config/}). The project-format adapter
 * implements it; the run pipeline only sees typed values. Every read method throws {@link
 * ConfigException} for a malformed or invalid file and {@link io.labrun.core.error.LabrunException}
 * (NOT_FOUND... as BAD_INPUT) for a name that does not exist.
 */
public interface ProjectConfigs {
  List<String> computeTargetNames();

  List<String> runConfigurationNames();

  Loaded<ComputeTargetSpec> computeTarget(String name);

  Loaded<RunConfiguration> runConfiguration(String name);

  /** Reads a conda file given relative to the project root; a missing file is an empty spec. */
  Loaded<CondaDependencies> condaDependencies(String relativePath);

  /** Reads a Spark dependencies file given relative to the project root; missing means empty. */
  Loaded<SparkDependencies> sparkDependencies(String relativePath);

  /** Writes {@code <name>.compute}, keeping comments and unknown keys of an existing file. */
  void writeComputeTarget(ComputeTargetSpec spec);

  /** Writes {@code <name>.runconfig} in its {@link RunConfiguration#form()}. */
  void writeRunConfiguration(RunConfiguration config);

  /**
   * Sets and removes keys of an existing {@code <name>.compute}. Each value is checked as a read of
   * the file checks it, and so is the whole result; the file is then replaced atomically with every
   * other key, comment and its layout kept, or left untouched when anything is wrong.
   */
  Loaded<ComputeTargetSpec> changeComputeTarget(String name, KeyChanges changes);

  /**
   * As {@link #changeComputeTarget} for {@code <name>.runconfig}, which keeps its form (JSON stays
   * JSON).
   */
  Loaded<RunConfiguration> changeRunConfiguration(String name, KeyChanges changes);

  /** Removes {@code <name>.compute}; run configurations that point at it are left alone. */
  void deleteComputeTarget(String name);
}
