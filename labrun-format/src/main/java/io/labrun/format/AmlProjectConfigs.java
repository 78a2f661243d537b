package io.labrun.format;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.CondaDependencies;
import io.labrun.core.config.KeyChanges;
import io.labrun.core.config.Loaded;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.SparkDependencies;
import io.labrun.core.error.LabrunException;
import io.labrun.core.project.Project;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project files of one project, in the Azure ML Workbench {@code aml_config/} format: {@code
 * <name>.compute}, {@code <name>.runconfig} (YAML or the older JSON form), the conda and Spark
 * dependency files. Reading checks every value and reports problems as one line with the file, line
 * and column; writing keeps the user's comments, layout and unknown keys.
 */
public final class AmlProjectConfigs implements ProjectConfigs {
  private static final String COMPUTE = ".compute";
  private static final String RUNCONFIG = ".runconfig";

  /** The largest project file read (docs/project-format.md). */
  static final int MAX_FILE_BYTES = 1 << 20;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  private final Project project;

  public AmlProjectConfigs(Project project) {
    this.project = project;
  }

  @Override
  public List<String> computeTargetNames() {
    return names(COMPUTE);
  }

  @Override
  public List<String> runConfigurationNames() {
    return names(RUNCONFIG);
  }

  @Override
  public Loaded<ComputeTargetSpec> computeTarget(String name) {
    SourceText source = readConfig(name, COMPUTE, "compute target", "labrun computetarget attach");
    return ComputeFile.read(name, source);
  }

  @Override
  public Loaded<RunConfiguration> runConfiguration(String name) {
    SourceText source =
        readConfig(name, RUNCONFIG, "run configuration", "labrun runconfiguration create");
    return RunConfigFile.read(name, source);
  }

  @Override
  public Loaded<CondaDependencies> condaDependencies(String relativePath) {
    return dependencies(
        relativePath, "CondaDependenciesFile", CondaFile::read, CondaDependencies.empty());
  }

  @Override
  public Loaded<SparkDependencies> sparkDependencies(String relativePath) {
    return dependencies(
        relativePath, "SparkDependenciesFile", SparkFile::read, SparkDependencies.empty());
  }

  @Override
  public void writeComputeTarget(ComputeTargetSpec spec) {
    Path file = configFile(spec.name(), COMPUTE, "compute target");
    SourceText existing = readIfPresent(file, label(spec.name() + COMPUTE));
    write(file, existing, ComputeFile.write(spec, existing));
  }

  @Override
  public void writeRunConfiguration(RunConfiguration config) {
    Path file = configFile(config.name(), RUNCONFIG, "run configuration");
    SourceText existing = readIfPresent(file, label(config.name() + RUNCONFIG));
    write(file, existing, RunConfigFile.write(config, existing));
  }

  @Override
  public Loaded<ComputeTargetSpec> changeComputeTarget(String name, KeyChanges changes) {
    return change(
        name,
        COMPUTE,
        "compute target",
        "labrun computetarget attach",
        existing -> ComputeFile.change(name, existing, changes),
        (label, text) -> ComputeFile.read(name, SourceText.of(label, text)));
  }

  @Override
  public Loaded<RunConfiguration> changeRunConfiguration(String name, KeyChanges changes) {
    return change(
        name,
        RUNCONFIG,
        "run configuration",
        "labrun runconfiguration create",
        existing -> RunConfigFile.change(name, existing, changes),
        (label, text) -> RunConfigFile.read(name, SourceText.of(label, text)));
  }

  private <T> Loaded<T> change(
      String name,
      String extension,
      String what,
      String createWith,
      Function<SourceText, String> change,
      BiFunction<String, String, Loaded<T>> read) {
    SourceText existing = readConfig(name, extension, what, createWith);
    String text = change.apply(existing);
    write(configFile(name, extension, what), existing, text);
    return read.apply(existing.label(), text);
  }

  @Override
  public void deleteComputeTarget(String name) {
    Path file = configFile(name, COMPUTE, "compute target");
    try {
      if (!Files.deleteIfExists(file)) {
        throw notFound(name, COMPUTE, "compute target", "labrun computetarget attach");
      }
    } catch (IOException e) {
      throw LabrunException.badInput(
          "cannot delete " + label(name + COMPUTE) + ": " + AtomicFiles.reason(e));
    }
  }

  private List<String> names(String extension) {
    Path dir = project.configDir();
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(
              f -> f.endsWith(extension) && f.length() > extension.length() && !f.startsWith("."))
          .map(f -> f.substring(0, f.length() - extension.length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw LabrunException.badInput(
          "cannot list " + Project.CONFIG_DIR + "/: " + AtomicFiles.reason(e));
    }
  }

  private SourceText readConfig(String name, String extension, String what, String createWith) {
    Path file = configFile(name, extension, what);
    SourceText source = readIfPresent(file, label(name + extension));
    if (source == null) {
      throw notFound(name, extension, what, createWith);
    }
    return source;
  }

  private LabrunException notFound(String name, String extension, String what, String createWith) {
    List<String> known = names(extension);
    return LabrunException.badInput(
        "no "
            + what
            + " '"
            + name
            + "' in "
            + Project.CONFIG_DIR
            + "/ (known: "
            + (known.isEmpty() ? "none" : String.join(", ", known))
            + "); create it with '"
            + createWith
            + "'");
  }

  private Path configFile(String name, String extension, String what) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw LabrunException.badInput(
          "'"
              + name
              + "' is not a valid "
              + what
              + " name; use letters, digits, '-', '_' and '.', starting with a letter or digit");
    }
    return project.configDir().resolve(name + extension);
  }

  private <T> Loaded<T> dependencies(
      String relativePath, String key, Function<SourceText, Loaded<T>> reader, T empty) {
    Path file = project.file(relativePath, key);
    SourceText source = readIfPresent(file, relativePath.replace('\\', '/'));
    return source == null ? Loaded.clean(empty) : reader.apply(source);
  }

  private static SourceText readIfPresent(Path file, String label) {
    try {
      if (Files.isDirectory(file)) {
        throw LabrunException.badInput("cannot read " + label + ": it is a folder, not a file");
      }
      if (Files.exists(file) && !Files.isRegularFile(file)) {
        throw LabrunException.badInput(
            "cannot read "
                + label
                + ": it is not a regular file (a device, pipe or socket); replace it with a text"
                + " file");
      }
      return SourceText.decode(label, readAtMost(file, label));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw LabrunException.badInput("cannot read " + label + ": " + AtomicFiles.reason(e));
    }
  }

  // Checked before parsing: a parser given a huge value spends minutes before it fails.
  private static byte[] readAtMost(Path file, String label) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw LabrunException.badInput(
            label
                + " is larger than 1 MiB, the limit for a project file; keep data in other files"
                + " and name them there");
      }
      return bytes;
    }
  }

  private static void write(Path file, SourceText existing, String text) {
    String content = existing == null ? text : existing.withByteOrderMark(text);
    if (existing != null && content.equals(existing.withByteOrderMark(existing.text()))) {
      return; // nothing changed: leave the file (and its modification time) alone
    }
    AtomicFiles.write(file, content, Project.CONFIG_DIR + "/" + file.getFileName());
  }

  private static String label(String fileName) {
    return Project.CONFIG_DIR + "/" + fileName;
  }
}
