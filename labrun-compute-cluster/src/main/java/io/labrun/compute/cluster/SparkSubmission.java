package io.labrun.compute.cluster;

import io.labrun.core.home.Folders;
import io.labrun.core.json.Json;
import io.labrun.core.run.Redaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code spark-submit} of a run, as {@code STATE/spark-submit.json}: written by {@link
 * ClusterTarget} when it launches the run, read by {@link SparkDriver} (which submits it under the
 * run's supervisor) and by labrun later to know the master the run went to.
 *
 * @param sparkOptions spark-submit options the run configuration put before {@code $file}, as given
 *     (e.g. {@code --class Main})
 * @param shipPyFiles whether the driver zips the working folder's {@code .py} files for {@code
 *     --py-files} before submitting (see {@link PyFiles})
 * @param conf Spark properties ({@code spark_dependencies.yml} configuration, labrun's own)
 * @param appResource the script or jar, relative to {@code cwd}
 * @param appName the name labrun gives the application when the project names none; null else
 * @param master null for spark-submit's default (the cluster's {@code spark-defaults.conf})
 * @param deployMode {@code client} or {@code cluster} for {@code --deploy-mode} (YARN masters);
 *     null for spark-submit's default
 * @param masterUi the standalone master's web UI, null when not known
 * @param driverEnvironment names of the run's variables (its run configuration's and labrun's) that
 *     a driver in a YARN container gets, with the values {@link SparkDriver} has, through {@link
 *     DriverBundle}; no value is kept here
 */
record SparkSubmission(
    String runId,
    String sparkHome,
    String sparkSubmit,
    String master,
    String masterUi,
    String cwd,
    List<String> sparkOptions,
    Map<String, String> conf,
    List<String> repositories,
    List<String> packages,
    List<String> pyFiles,
    boolean shipPyFiles,
    String appResource,
    List<String> appArgs,
    String appName,
    String deployMode,
    List<String> driverEnvironment) {

  static final String FILE_NAME = "spark-submit.json";
  static final String RUN_ID_PROPERTY = "spark.labrun.runId";
  static final String YARN_TAGS_PROPERTY = "spark.yarn.tags";

  /** Whether the driver runs in a YARN container rather than under the run's supervisor. */
  boolean inYarnContainer() {
    return "cluster".equals(deployMode) && master != null && SparkMaster.isYarn(master);
  }

  SparkSubmission {
    sparkOptions = List.copyOf(sparkOptions);
    conf = Collections.unmodifiableMap(new LinkedHashMap<>(conf));
    repositories = List.copyOf(repositories);
    packages = List.copyOf(packages);
    pyFiles = List.copyOf(pyFiles);
    appArgs = List.copyOf(appArgs);
    driverEnvironment = List.copyOf(driverEnvironment);
  }

  /**
   * The submission with the project's Python files zipped into {@code zip} and added to {@code
   * --py-files}, when it ships them and the project has more than the script; else itself.
   */
  SparkSubmission withPyFilesZip(Path zip) {
    if (!shipPyFiles || !PyFiles.zip(Path.of(cwd), appResource, zip)) {
      return this;
    }
    List<String> py = new ArrayList<>(pyFiles);
    py.add(zip.toString());
    return new SparkSubmission(
        runId,
        sparkHome,
        sparkSubmit,
        master,
        masterUi,
        cwd,
        sparkOptions,
        conf,
        repositories,
        packages,
        py,
        false,
        appResource,
        appArgs,
        appName,
        deployMode,
        driverEnvironment);
  }

  void write(Path stateDir) throws IOException {
    Folders.writePrivate(stateDir.resolve(FILE_NAME), toJson()); // its arguments may hold secrets
  }

  /**
   * The submission as it may be kept once it has been submitted: arguments, options and Spark
   * properties under labrun's one redaction rule (secret-looking names, URL passwords), everything
   * labrun reads later (the master, its UI, the run id) as it was.
   */
  SparkSubmission shown() {
    return new SparkSubmission(
        runId,
        sparkHome,
        sparkSubmit,
        master,
        masterUi,
        cwd,
        Redaction.arguments(sparkOptions),
        Redaction.named(conf),
        repositories,
        packages,
        pyFiles,
        shipPyFiles,
        appResource,
        Redaction.arguments(appArgs),
        appName,
        deployMode,
        driverEnvironment);
  }

  String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", runId);
    m.put("spark_home", sparkHome);
    m.put("spark_submit", sparkSubmit);
    m.put("master", master);
    m.put("master_ui", masterUi);
    m.put("cwd", cwd);
    m.put("spark_options", sparkOptions);
    m.put("conf", conf);
    m.put("repositories", repositories);
    m.put("packages", packages);
    m.put("py_files", pyFiles);
    m.put("ship_py_files", shipPyFiles);
    m.put("app_resource", appResource);
    m.put("app_args", appArgs);
    m.put("app_name", appName);
    m.put("deploy_mode", deployMode);
    m.put("driver_environment", driverEnvironment);
    return Json.write(m) + "\n";
  }

  static SparkSubmission read(Path file) throws IOException {
    Map<String, Object> m = Json.parseObject(Files.readString(file));
    return new SparkSubmission(
        str(m, "run_id"),
        str(m, "spark_home"),
        str(m, "spark_submit"),
        str(m, "master"),
        str(m, "master_ui"),
        str(m, "cwd"),
        list(m, "spark_options"),
        map(m, "conf"),
        list(m, "repositories"),
        list(m, "packages"),
        list(m, "py_files"),
        Boolean.TRUE.equals(m.get("ship_py_files")),
        str(m, "app_resource"),
        list(m, "app_args"),
        str(m, "app_name"),
        str(m, "deploy_mode"),
        list(m, "driver_environment"));
  }

  /** The submission recorded in a run's state folder, if it went through spark-submit. */
  static Optional<SparkSubmission> in(Path stateDir) {
    try {
      return Optional.of(read(stateDir.resolve(FILE_NAME)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String str(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? null : v.toString();
  }

  private static List<String> list(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
  }

  private static Map<String, String> map(Map<String, Object> m, String key) {
    Map<String, String> out = new LinkedHashMap<>();
    if (m.get(key) instanceof Map<?, ?> v) {
      v.forEach((k, val) -> out.put(String.valueOf(k), String.valueOf(val)));
    }
    return out;
  }
}
