package io.labrun.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run configuration as written in {@code aml_config/<name>.runconfig}: which target, which
 * arguments, which environment files, which framework. Optional fields are null when the file does
 * not set them. {@code otherKeys} keeps every key labrun does not act on (unknown keys, and the
 * data-preparation keys {@code UseSampling}, {@code DataSourceSettings}, {@code
 * DataSourceSubstitutions}) in file order, so they survive a rewrite. {@code timeout} and {@code
 * retries} are labrun extensions ({@code Timeout}, {@code Retries}): the default run policy of
 * every submit and sweep with this configuration.
 */
public record RunConfiguration(
    String name,
    String description,
    List<String> argumentVector,
    String target,
    Map<String, String> environmentVariables,
    Framework framework,
    String condaDependenciesFile,
    String sparkDependenciesFile,
    Boolean prepareEnvironment,
    Boolean trackedRun,
    Map<String, Object> otherKeys,
    Form form,
    java.time.Duration timeout,
    Integer retries) {

  /** The placeholder in {@code ArgumentVector} replaced by the script path given to submit. */
  public static final String FILE_PLACEHOLDER = "$file";

  public static final String DEFAULT_CONDA_FILE = "aml_config/conda_dependencies.yml";
  public static final String DEFAULT_SPARK_FILE = "aml_config/spark_dependencies.yml";

  /** The file syntax the configuration was read from; labrun writes it back in the same form. */
  public enum Form {
    YAML,
    LEGACY_JSON
  }

  public RunConfiguration {
    Objects.requireNonNull(name, "name");
    argumentVector = argumentVector == null ? null : List.copyOf(argumentVector);
    environmentVariables = environmentVariables == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(environmentVariables));
    otherKeys = otherKeys == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(otherKeys));
    form = form == null ? Form.YAML : form;
  }

  /** A configuration without the labrun run policy keys ({@code Timeout}, {@code Retries}). */
  public RunConfiguration(String name, String description, List<String> argumentVector, String target, Map<String, String> environmentVariables,
      Framework framework, String condaDependenciesFile, String sparkDependenciesFile, Boolean prepareEnvironment, Boolean trackedRun,
      Map<String, Object> otherKeys, Form form) {
    this(name, description, argumentVector, target, environmentVariables, framework, condaDependenciesFile, sparkDependenciesFile,
        prepareEnvironment, trackedRun, otherKeys, form, null, null);
  }

  /** This configuration with another run policy: null leaves a key unset. */
  public RunConfiguration withPolicy(java.time.Duration newTimeout, Integer newRetries) {
    return new RunConfiguration(name, description, argumentVector, target, environmentVariables, framework, condaDependenciesFile,
        sparkDependenciesFile, prepareEnvironment, trackedRun, otherKeys, form, newTimeout, newRetries);
  }

  /**
   * This configuration's settings over {@code existing}'s, for {@code runconfiguration create
   * --force}: what this one sets wins, everything else of the file stays (its description, run
   * policy, unknown keys and its form: a JSON file stays JSON). Environment variables are merged
   * name by name.
   */
  public RunConfiguration over(RunConfiguration existing) {
    Map<String, String> env = new LinkedHashMap<>(existing.environment());
    env.putAll(environment());
    Map<String, Object> others = new LinkedHashMap<>(existing.otherKeys);
    others.putAll(otherKeys);
    return new RunConfiguration(name, or(description, existing.description), or(argumentVector, existing.argumentVector),
        or(target, existing.target), existing.environmentVariables == null && env.isEmpty() ? null : env,
        or(framework, existing.framework), or(condaDependenciesFile, existing.condaDependenciesFile),
        or(sparkDependenciesFile, existing.sparkDependenciesFile), or(prepareEnvironment, existing.prepareEnvironment),
        or(trackedRun, existing.trackedRun), others, existing.form, or(timeout, existing.timeout), or(retries, existing.retries));
  }

  private static <T> T or(T given, T kept) {
    return given != null ? given : kept;
  }

  /** How often a run killed from outside (lost, SIGKILL) is tried again; 0 when not set. */
  public int retriesOrDefault() {
    return retries == null ? 0 : retries;
  }

  /** A new YAML run configuration for a target, as {@code computetarget attach} writes it. */
  public static RunConfiguration forTarget(String name, String target, Framework framework) {
    return new RunConfiguration(name, null, List.of(FILE_PLACEHOLDER), target, Map.of(), framework, null, null, false, true, Map.of(), Form.YAML);
  }

  public List<String> arguments() {
    return argumentVector == null ? List.of(FILE_PLACEHOLDER) : argumentVector;
  }

  public Map<String, String> environment() {
    return environmentVariables == null ? Map.of() : environmentVariables;
  }

  public Framework frameworkOrDefault() {
    return framework == null ? Framework.PYTHON : framework;
  }

  public String condaFile() {
    return condaDependenciesFile == null || condaDependenciesFile.isBlank() ? DEFAULT_CONDA_FILE : condaDependenciesFile;
  }

  public String sparkFile() {
    return sparkDependenciesFile == null || sparkDependenciesFile.isBlank() ? DEFAULT_SPARK_FILE : sparkDependenciesFile;
  }

  public boolean prepares() {
    return Boolean.TRUE.equals(prepareEnvironment);
  }

  /** Runs are tracked unless the file says {@code TrackedRun: false}. */
  public boolean tracked() {
    return !Boolean.FALSE.equals(trackedRun);
  }

  /**
   * The command-line arguments of a run: {@code $file} replaced by the script, submit arguments
   * appended. An argument vector without {@code $file} gets the script in front, as the original
   * did.
   */
  public List<String> expandArguments(String script, List<String> submitArgs) {
    List<String> out = new java.util.ArrayList<>();
    boolean placed = false;
    for (String a : arguments()) {
      if (FILE_PLACEHOLDER.equals(a)) {
        out.add(script);
        placed = true;
      } else {
        out.add(a);
      }
    }
    if (!placed) {
      out.add(0, script);
    }
    out.addAll(submitArgs);
    return out;
  }
}
