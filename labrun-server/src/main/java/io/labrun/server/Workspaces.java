package io.labrun.server;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.Folders;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.project.Project;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.Snapshotter;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Projects as clients uploaded them: a snapshot materialized once, read-only in spirit, into {@code
 * DATA/server/projects/<snapshot id>/<project name>/}, so that the run pipeline reads the project's
 * {@code aml_config/} and script from a folder named like the client's project.
 *
 * <p>A folder is used under a {@link Lease} (a submission recording its run, the queue starting and
 * following one); when the last lease of a snapshot ends and no unfinished run of the history uses
 * it, the folder is removed. It is made again from the object store if a run needs it later.
 */
final class Workspaces {
  private final Path root;
  private final ObjectStore objects;
  private final Snapshotter snapshotter;
  private final RunStore store;
  private final Map<String, Integer> leases = new HashMap<>();

  Workspaces(LabrunPaths paths, ObjectStore objects, RunStore store) {
    this.root = paths.dataDir().resolve("server").resolve("projects");
    this.objects = objects;
    this.snapshotter = new Snapshotter(objects, paths.cache());
    this.store = store;
  }

  /** One user of a snapshot's folder; closing it may remove the folder. */
  interface Lease extends AutoCloseable {
    @Override
    void close();
  }

  /** Takes a lease on the folders of {@code snapshotId}: they stay while it is held. */
  synchronized Lease use(String snapshotId) {
    leases.merge(snapshotId, 1, Integer::sum);
    AtomicBoolean closed = new AtomicBoolean();
    return () -> {
      if (closed.compareAndSet(false, true)) {
        release(snapshotId);
      }
    };
  }

  private synchronized void release(String snapshotId) {
    if (leases.merge(snapshotId, -1, Integer::sum) <= 0) {
      leases.remove(snapshotId);
      tidy(Set.of(snapshotId));
    }
  }

  /**
   * Removes the folders of {@code snapshots} (every one, when null) that no lease and no unfinished
   * run uses.
   */
  synchronized void tidy(Set<String> snapshots) {
    Set<String> used = new HashSet<>(leases.keySet());
    store.unfinished().forEach(r -> used.add(r.snapshotId()));
    try (var dirs = Files.isDirectory(root) ? Files.list(root) : Stream.<Path>empty()) {
      for (Path dir : dirs.toList()) {
        String id = dir.getFileName().toString();
        if ((snapshots == null || snapshots.contains(id)) && !used.contains(id)) {
          Folders.delete(dir);
        }
      }
    } catch (IOException e) {
      System.err.println(
          "labrun server: cannot remove unused project folders in " + root + ": " + e.getMessage());
    }
  }

  static boolean validName(String experiment) {
    return experiment != null && experiment.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  }

  Snapshot snapshot(String id) {
    return Snapshot.load(objects, id);
  }

  /**
   * The project of {@code snapshot} named {@code name}, materialized on first use; call it under a
   * {@link #use lease}.
   */
  Project project(Snapshot snapshot, String name) {
    if (!validName(name)) {
      throw LabrunException.badInput(
          "project name '" + name + "' must be letters, digits, '.', '_' or '-'");
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
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      // another request materialized it first: use theirs
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE, "cannot unpack the project into " + dir + ": " + e.getMessage(), e);
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
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temporary folder is harmless
    }
  }
}
