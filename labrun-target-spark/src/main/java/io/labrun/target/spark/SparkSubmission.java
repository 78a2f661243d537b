package io.labrun.target.spark;

import io.labrun.core.supervisor.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code spark-submit} of a run, as {@code STATE/spark-submit.json}: written by {@link
 * ClusterTarget} when it launches the run, read by {@link SparkDriver} (which submits it under the
 * run's supervisor) and by labrun later to know the master the run went to.
 *
 * @param sparkOptions spark-submit options the run configuration put before {@code $file}, as
 *     given (e.g. {@code --class Main})
 * @param conf Spark properties ({@code spark_dependencies.yml} configuration, labrun's own)
 * @param appResource the script or jar, relative to {@code cwd}
 * @param appName the name labrun gives the application when the project names none; null else
 * @param master null for spark-submit's default (the cluster's {@code spark-defaults.conf})
 * @param masterUi the standalone master's web UI, null when not known
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
    String appResource,
    List<String> appArgs,
    String appName) {

  static final String FILE_NAME = "spark-submit.json";

  SparkSubmission {
    sparkOptions = List.copyOf(sparkOptions);
    conf = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(conf));
    repositories = List.copyOf(repositories);
    packages = List.copyOf(packages);
    pyFiles = List.copyOf(pyFiles);
    appArgs = List.copyOf(appArgs);
  }

  void write(Path stateDir) throws IOException {
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
    m.put("app_resource", appResource);
    m.put("app_args", appArgs);
    m.put("app_name", appName);
    Files.writeString(stateDir.resolve(FILE_NAME), Json.write(m) + "\n");
  }

  static SparkSubmission read(Path file) throws IOException {
    Map<String, Object> m = Json.parseObject(Files.readString(file));
    return new SparkSubmission(str(m, "run_id"), str(m, "spark_home"), str(m, "spark_submit"), str(m, "master"), str(m, "master_ui"),
        str(m, "cwd"), list(m, "spark_options"), map(m, "conf"), list(m, "repositories"), list(m, "packages"), list(m, "py_files"),
        str(m, "app_resource"), list(m, "app_args"), str(m, "app_name"));
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
