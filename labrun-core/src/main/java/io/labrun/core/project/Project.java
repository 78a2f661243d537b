package io.labrun.core.project;

import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A labrun (Azure ML Workbench) project: a folder that holds {@code aml_config/}. Its name, the
 * folder's name, is the experiment name runs are recorded under.
 */
public record Project(Path root) {
  public static final String CONFIG_DIR = "aml_config";

  public Project {
    root = root.toAbsolutePath().normalize();
  }

  public String name() {
    Path f = root.getFileName();
    return f == null ? "project" : f.toString();
  }

  public Path configDir() {
    return root.resolve(CONFIG_DIR);
  }

  /**
   * The file {@code given} names (relative to the root), which must lie inside the project once
   * {@code ..} and symbolic links are resolved: runs only see the project's files, and labrun reads
   * no other file on a project's word. It need not exist; a missing file is returned as named.
   * {@code what} names it in the error ("script", "CondaDependenciesFile").
   */
  public Path file(String given, String what) {
    Path named = root.resolve(given).normalize();
    if (!named.startsWith(root) || !realPath(named).startsWith(realPath(root))) {
      throw LabrunException.badInput(
          what
              + " "
              + given
              + " is outside the project "
              + root
              + "; runs only see the project's files");
    }
    return named;
  }

  // The real path of the deepest part that exists, with the rest appended: a link anywhere on the
  // way is resolved, a file not yet there is judged by its folder.
  private static Path realPath(Path p) {
    Path existing = p;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return p;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(p));
    } catch (IOException e) {
      return p;
    }
  }

  /** The nearest folder from {@code start} upward that holds {@code aml_config/}. */
  public static Optional<Project> find(Path start) {
    for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve(CONFIG_DIR))) {
        return Optional.of(new Project(p));
      }
    }
    return Optional.empty();
  }

  /** The project at {@code explicit} if given, else the nearest one above {@code cwd}. */
  public static Project locate(Path explicit, Path cwd) {
    if (explicit != null) {
      if (!Files.isDirectory(explicit)) {
        throw LabrunException.badInput("project folder " + explicit + " does not exist");
      }
      if (!Files.isDirectory(explicit.resolve(CONFIG_DIR))) {
        throw LabrunException.badInput(
            explicit
                + " is not a labrun project (no aml_config/ folder); run 'labrun project init "
                + explicit
                + "' first");
      }
      return new Project(explicit);
    }
    return find(cwd)
        .orElseThrow(
            () ->
                LabrunException.badInput(
                    "no labrun project here: no aml_config/ folder in "
                        + cwd.toAbsolutePath().normalize()
                        + " or above; run 'labrun project init' or pass --project DIR"));
  }
}
