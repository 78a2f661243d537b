package io.labrun.compute.cluster;

import io.labrun.core.json.Json;
import io.labrun.core.supervisor.StateFolder;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * What a Python driver in YARN's ApplicationMaster container (cluster deploy mode) needs to run as
 * it would under labrun's supervisor, in one zip that {@code spark-submit --files} ships next to
 * {@link YarnDriverWrapper}: the run's working folder ({@value #PROJECT}, the project's snapshot:
 * the script's data and modules), labrun's Python packages ({@value #PYTHON}: {@code
 * azureml.logging}, {@code labrun}, for metrics) and the run's variables ({@value #ENV}, the values
 * the run's supervisor gave {@link SparkDriver}). It holds the run's secrets: it is written into
 * the run's private state folder and removed as soon as YARN has it (Spark's staging folder, which
 * Spark removes when the application ends).
 */
final class DriverBundle {
  static final String FILE_NAME = "labrun-driver.zip";
  static final String PROJECT = "project/";
  static final String PYTHON = "python/";
  static final String ENV = "env.json";
  private static final List<String> PACKAGES = List.of("labrun", "azureml");

  private DriverBundle() {}

  /**
   * Writes the bundle of submission {@code s} into {@code stateDir}, with the values of its {@link
   * SparkSubmission#driverEnvironment} names in {@code env}.
   */
  static Path write(SparkSubmission s, Map<String, String> env, Path stateDir) throws IOException {
    Path zip = stateDir.resolve(FILE_NAME);
    Map<String, String> values = new LinkedHashMap<>();
    s.driverEnvironment()
        .forEach(n -> Optional.ofNullable(env.get(n)).ifPresent(v -> values.put(n, v)));
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(out)) {
      add(z, Path.of(s.cwd()), PROJECT, StateFolder.OUTPUTS);
      Optional<Path> python = labrunPython(env.get("PYTHONPATH"));
      if (python.isPresent()) {
        for (String p : PACKAGES) {
          add(z, python.get().resolve(p), PYTHON + p + "/", null);
        }
      }
      z.putNextEntry(new ZipEntry(ENV));
      z.write(Json.write(values).getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
    return zip;
  }

  /** The folder of labrun's Python packages on a run's {@code PYTHONPATH}, if one is there. */
  static Optional<Path> labrunPython(String pythonPath) {
    if (pythonPath == null) {
      return Optional.empty();
    }
    return Stream.of(pythonPath.split(File.pathSeparator))
        .filter(p -> !p.isBlank())
        .map(Path::of)
        .filter(p -> Files.isRegularFile(p.resolve("labrun/__init__.py")))
        .findFirst();
  }

  /** Adds the files under {@code dir} as {@code prefix/...}, but not {@code dir/skip}. */
  private static void add(ZipOutputStream z, Path dir, String prefix, String skip)
      throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(p -> skip == null || !dir.relativize(p).startsWith(skip))
              .filter(p -> !p.getFileName().toString().endsWith(".pyc"))
              .sorted()
              .toList();
    }
    PyFiles.putAll(z, dir, prefix, files);
  }
}
