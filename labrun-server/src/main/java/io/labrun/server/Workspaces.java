package io.labrun.server;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.project.Project;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.Snapshotter;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Projects as clients uploaded them: a snapshot materialized once, read-only in spirit, into
 * {@code DATA/server/projects/<snapshot id>/<project name>/}, so that the run pipeline reads the
 * project's {@code aml_config/} and script from a folder named like the client's project.
 */
final class Workspaces {
  private final Path root;
  private final ObjectStore objects;
  private final Snapshotter snapshotter;

  Workspaces(LabrunPaths paths, ObjectStore objects) {
    this.root = paths.dataDir().resolve("server").resolve("projects");
    this.objects = objects;
    this.snapshotter = new Snapshotter(objects, paths.cache());
  }

  static boolean validName(String experiment) {
    return experiment != null && experiment.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  }

  Snapshot snapshot(String id) {
    return Snapshot.load(objects, id);
  }

  /** The project of {@code snapshot} named {@code name}, materialized on first use. */
  Project project(Snapshot snapshot, String name) {
    if (!validName(name)) {
      throw LabrunException.badInput("project name '" + name + "' must be letters, digits, '.', '_' or '-'");
    }
    Path dir = root.resolve(snapshot.id()).resolve(name);
    if (Files.isDirectory(dir)) {
      return new Project(dir);
    }
    Path tmp = root.resolve(snapshot.id()).resolve(".tmp-" + UUID.randomUUID());
    try {
      snapshotter.materialize(snapshot, tmp);
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir);
      }
    } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
      // another request materialized it first: use theirs
    } catch (IOException e) {
      throw new LabrunException(ExitCode.STORE, "cannot unpack the project into " + dir + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
    }
    return new Project(dir);
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temporary folder is harmless
    }
  }
}
