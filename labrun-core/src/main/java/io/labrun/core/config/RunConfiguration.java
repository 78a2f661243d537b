package io.labrun.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A run configuration as written in {@code aml_config/<name>.runconfig}: which target, which
 * arguments, which environment files, which framework. Optional fields are null when the file does
 * not set them. {@code otherKeys} keeps every key labrun does not act on (unknown keys, and the
 * data-preparation keys {@code UseSampling}, {@code DataSourceSettings}, {@code
 * DataSourceSubstitutions}) in file order, so they survive a rewrite. {@code timeout} and {@code
 * retries} are labrun extensions ({@code Timeout}, {@code Retries}): the default run policy of
 * every submit and sweep with this configuration.
 *
 * <p>The 2018 format ({@link Form#YAML_2018}, camelCase keys nested under {@code environment},
 * {@code history}, {@code spark}, {@code hdi}) maps onto the same fields ({@code arguments} to
 * {@code argumentVector}, {@code history.enabled} to {@code trackedRun}...) plus what it adds:
 * {@code script} (run when submit names none), {@code userManagedDependencies} and {@code
 * interpreterPath} (the interpreter, as is or prepared from the conda file), {@code docker} (the
 * run goes into a container: Docker moved from the compute target to the run configuration), {@code
 * sparkDependencies} (Spark packages and properties written in the file itself) and {@code
 * yarnDeployMode}. These are null in the 2017 format.
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
    Duration timeout,
    Integer retries,
    String script,
    Boolean userManagedDependencies,
    String interpreterPath,
    DockerSection docker,
    SparkDependencies sparkDependencies,
    String yarnDeployMode) {

  /** The placeholder in {@code ArgumentVector} replaced by the script path given to submit. */
  public static final String FILE_PLACEHOLDER = "$file";

  /**
   * Top-level blocks of the 2018 format (and of Azure ML SDK v1 files) for Azure ML's cloud compute
   * and data stores, which labrun has no counterpart of.
   */
  public static final Set<String> CLOUD_BLOCKS =
      Set.of(
          "batchai",
          "containerInstance",
          "dataReferences",
          "data",
          "outputData",
          "amlcompute",
          "kubernetescompute",
          "tensorflow",
          "mpi",
          "pytorch",
          "paralleltask",
          "communicator",
          "nodeCount",
          "priority",
          "sourceDirectoryDataStore",
          "maxRunDurationSeconds",
          "credentialPassthrough",
          "databricks");

  /**
   * Whether an operating system takes {@code name} as an environment variable's: not empty, no
   * {@code =} or NUL.
   */
  public static boolean isVariableName(String name) {
    return !name.isEmpty() && name.indexOf('=') < 0 && name.indexOf('\0') < 0;
  }

  public static final String DEFAULT_CONDA_FILE = "aml_config/conda_dependencies.yml";
  public static final String DEFAULT_SPARK_FILE = "aml_config/spark_dependencies.yml";

  /** The file syntax the configuration was read from; labrun writes it back in the same form. */
  public enum Form {
    YAML,
    LEGACY_JSON,
    /**
     * The 2018 run-configuration format (the Azure ML SDK v1 {@code .runconfig} files are in it
     * too).
     */
    YAML_2018
  }

  public RunConfiguration {
    Objects.requireNonNull(name, "name");
    argumentVector = argumentVector == null ? null : List.copyOf(argumentVector);
    environmentVariables =
        environmentVariables == null
            ? null
            : Collections.unmodifiableMap(new LinkedHashMap<>(environmentVariables));
    otherKeys =
        otherKeys == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(otherKeys));
    form = form == null ? Form.YAML : form;
  }

  /** A 2017 configuration with the labrun run policy keys. */
  public RunConfiguration(
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
      Duration timeout,
      Integer retries) {
    this(
        name,
        description,
        argumentVector,
        target,
        environmentVariables,
        framework,
        condaDependenciesFile,
        sparkDependenciesFile,
        prepareEnvironment,
        trackedRun,
        otherKeys,
        form,
        timeout,
        retries,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** A configuration without the labrun run policy keys ({@code Timeout}, {@code Retries}). */
  public RunConfiguration(
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
      Form form) {
    this(
        name,
        description,
        argumentVector,
        target,
        environmentVariables,
        framework,
        condaDependenciesFile,
        sparkDependenciesFile,
        prepareEnvironment,
        trackedRun,
        otherKeys,
        form,
        null,
        null);
  }

  /** This configuration with another run policy: null leaves a key unset. */
  public RunConfiguration withPolicy(Duration newTimeout, Integer newRetries) {
    return new RunConfiguration(
        name,
        description,
        argumentVector,
        target,
        environmentVariables,
        framework,
        condaDependenciesFile,
        sparkDependenciesFile,
        prepareEnvironment,
        trackedRun,
        otherKeys,
        form,
        newTimeout,
        newRetries,
        script,
        userManagedDependencies,
        interpreterPath,
        docker,
        sparkDependencies,
        yarnDeployMode);
  }

  /** This configuration with {@code PrepareEnvironment} set to {@code prepare}. */
  public RunConfiguration withPrepareEnvironment(boolean prepare) {
    return new RunConfiguration(
        name,
        description,
        argumentVector,
        target,
        environmentVariables,
        framework,
        condaDependenciesFile,
        sparkDependenciesFile,
        prepare,
        trackedRun,
        otherKeys,
        form,
        timeout,
        retries,
        script,
        userManagedDependencies,
        interpreterPath,
        docker,
        sparkDependencies,
        yarnDeployMode);
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
    return new RunConfiguration(
        name,
        or(description, existing.description),
        or(argumentVector, existing.argumentVector),
        or(target, existing.target),
        existing.environmentVariables == null && env.isEmpty() ? null : env,
        or(framework, existing.framework),
        or(condaDependenciesFile, existing.condaDependenciesFile),
        or(sparkDependenciesFile, existing.sparkDependenciesFile),
        or(prepareEnvironment, existing.prepareEnvironment),
        or(trackedRun, existing.trackedRun),
        others,
        existing.form,
        or(timeout, existing.timeout),
        or(retries, existing.retries));
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
    return new RunConfiguration(
        name,
        null,
        List.of(FILE_PLACEHOLDER),
        target,
        Map.of(),
        framework,
        null,
        null,
        false,
        true,
        Map.of(),
        Form.YAML);
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
    return condaDependenciesFile == null || condaDependenciesFile.isBlank()
        ? DEFAULT_CONDA_FILE
        : condaDependenciesFile;
  }

  public String sparkFile() {
    return sparkDependenciesFile == null || sparkDependenciesFile.isBlank()
        ? DEFAULT_SPARK_FILE
        : sparkDependenciesFile;
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
    if (form == Form.YAML_2018) {
      return expand2018(script, submitArgs);
    }
    List<String> out = new ArrayList<>();
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

  /**
   * The 2018 form: {@code arguments} go with the file's own {@code script}; a submit that names
   * another script, or gives arguments, replaces both (there is no {@code $file}).
   */
  private List<String> expand2018(String runScript, List<String> submitArgs) {
    List<String> out = new ArrayList<>();
    out.add(runScript);
    boolean fileArguments =
        submitArgs.isEmpty() && argumentVector != null && runScript.equals(scriptPath());
    out.addAll(fileArguments ? argumentVector : submitArgs);
    return out;
  }

  /**
   * The 2018 {@code script} with {@code /} separators (a Windows author's {@code .\train.py} too),
   * or null.
   */
  public String scriptPath() {
    if (script == null || script.isBlank()) {
      return null;
    }
    String s = script.strip().replace('\\', '/');
    return s.startsWith("./") ? s.substring(2) : s;
  }

  /**
   * The target the 2018 format had built in under {@code name}, if it is that one: {@code local},
   * this machine's Python ({@code interpreterPath}), with no {@code local.compute}. Asked only when
   * the project has no file of that name.
   */
  public Optional<ComputeTargetSpec> builtInTarget(String name) {
    return form == Form.YAML_2018 && TargetType.LOCAL.configName().equals(name)
        ? Optional.of(ComputeTargetSpec.of(name, TargetType.LOCAL))
        : Optional.empty();
  }

  /**
   * The compute target as this configuration runs on it. A 2018 configuration carries what the 2017
   * format kept in the {@code .compute} file: {@code environment.docker.enabled: true} runs a
   * {@code local} target's scripts in a local container ({@code remote}: on the host's Docker) from
   * {@code baseImage}, with its {@code sharedVolumes} and {@code gpuSupport}; {@code
   * interpreterPath} and {@code userManagedDependencies} are the target's Python. A 2017
   * configuration leaves the target as its file says.
   */
  public ComputeTargetSpec effectiveTarget(ComputeTargetSpec target) {
    if (form != Form.YAML_2018) {
      return target;
    }
    ComputeTargetSpec t = target;
    if (docker != null && docker.isEnabled()) {
      TargetType type =
          t.type().equals(TargetType.LOCAL)
              ? TargetType.DOCKER
              : t.type().equals(TargetType.REMOTE) ? TargetType.REMOTE_DOCKER : t.type();
      if (type.usesDocker()) {
        String image =
            docker.baseImage() == null || docker.baseImage().isBlank()
                ? t.baseDockerImage()
                : docker.baseImage().strip();
        t =
            t.withType(type)
                .withBaseDockerImage(image)
                .withDockerOptions(
                    docker.sharedVolumes() != null ? docker.sharedVolumes() : t.sharedVolumes(),
                    docker.gpuSupport() != null ? docker.gpuSupport() : t.nvidiaDocker());
      }
    }
    String python =
        interpreterPath == null || interpreterPath.isBlank()
            ? t.pythonLocation()
            : interpreterPath.strip();
    return t.withPython(
        python,
        t.sparkSubmitLocation(),
        userManagedDependencies != null ? userManagedDependencies : t.userManagedEnvironment());
  }

  /**
   * Whether runs on this machine's Python use a venv built from the conda file: the 2018 format
   * says so with {@code userManagedDependencies: false} ({@code true}: the interpreter as it is). A
   * 2017 configuration never does: its local target ran the interpreter as it is whatever {@code
   * PrepareEnvironment} said (labrun's own {@code labrunLocalVenv} in the {@code .compute} asks for
   * a venv there).
   */
  public boolean buildsLocalVenv() {
    return Boolean.FALSE.equals(userManagedDependencies);
  }

  /**
   * The blocks of this file for Azure ML's cloud compute (kept in {@code otherKeys}, without effect
   * here).
   */
  public List<String> cloudBlocks() {
    return otherKeys.keySet().stream().filter(CLOUD_BLOCKS::contains).toList();
  }

  /**
   * 2018 {@code userManagedDependencies: true}: the interpreter runs as it is, nothing is
   * installed.
   */
  public boolean interpreterAsIs() {
    return Boolean.TRUE.equals(userManagedDependencies);
  }
}
