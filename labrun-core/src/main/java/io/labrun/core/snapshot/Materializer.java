package io.labrun.core.snapshot;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;

/** Writes a snapshot's files into a folder; see {@link Snapshotter#materialize}. */
final class Materializer {
  private static final Set<PosixFilePermission> REGULAR =
      PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> EXECUTABLE =
      PosixFilePermissions.fromString("rwxr-xr-x");

  private final ObjectStore store;
  private final Path cacheDir;

  Materializer(ObjectStore store, Path cacheDir) {
    this.store = store;
    this.cacheDir = cacheDir;
  }

  void write(Snapshot snapshot, Path dir) {
    Path base = dir.toAbsolutePath().normalize();
    prepare(base);
    boolean posix = base.getFileSystem().supportedFileAttributeViews().contains("posix");
    Set<Path> made = new HashSet<>();
    made.add(base);
    for (SnapshotEntry e : snapshot.entries()) {
      Path target = base.resolve(e.path());
      if (!target.normalize().startsWith(base) || target.normalize().equals(base)) {
        throw new IllegalStateException(
            "snapshot path escapes its folder: " + e.path()); // SnapshotEntry forbids it
      }
      try {
        Path parent = target.getParent();
        if (made.add(parent)) {
          Files.createDirectories(parent);
        }
      } catch (IOException ex) {
        throw cannotWrite(base, e.path(), ex);
      }
      copy(snapshot, e, target, base);
      try {
        if (posix) {
          Files.setPosixFilePermissions(target, e.executable() ? EXECUTABLE : REGULAR);
        } else if (e.executable() && !target.toFile().setExecutable(true)) {
          throw new IOException("could not make it executable");
        }
      } catch (IOException ex) {
        throw cannotWrite(base, e.path(), ex);
      }
    }
  }

  private void copy(Snapshot snapshot, SnapshotEntry e, Path target, Path base) {
    try {
      store.copyTo(e.sha256(), target);
    } catch (IOException ex) {
      if (!store.contains(e.sha256())) {
        dropStatCaches();
        throw new LabrunException(
            ExitCode.STORE,
            "the object store has lost the content of "
                + e.path()
                + " (object "
                + e.sha256()
                + ") in snapshot "
                + snapshot.id()
                + ", so that snapshot cannot be written out in full. The snapshot caches are"
                + " dropped: the next snapshot of the project reads and stores all of its files"
                + " again",
            ex);
      }
      throw cannotWrite(base, e.path(), ex);
    }
  }

  private static void prepare(Path base) {
    try {
      if (Files.isDirectory(base)) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(base)) {
          if (s.iterator().hasNext()) {
            throw LabrunException.badInput(
                base + " is not empty; a snapshot is written into a new or empty folder");
          }
        }
      } else if (Files.exists(base)) {
        throw LabrunException.badInput(
            base + " is a file; a snapshot is written into a new or empty folder");
      } else {
        Files.createDirectories(base);
      }
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE, "could not create " + base + ": " + ProjectWalk.describe(e), e);
    }
  }

  /**
   * The caches list objects the store promised to hold; after it broke that promise, trust none.
   */
  private void dropStatCaches() {
    try (DirectoryStream<Path> caches = Files.newDirectoryStream(cacheDir, "*.statcache")) {
      for (Path c : caches) {
        Files.deleteIfExists(c);
      }
    } catch (IOException ignored) {
      // No cache folder, or it cannot be cleaned: the error thrown next is what matters.
    }
  }

  private static LabrunException cannotWrite(Path base, String path, IOException e) {
    return new LabrunException(
        ExitCode.STORE,
        "could not write " + path + " into " + base + ": " + ProjectWalk.describe(e),
        e);
  }
}
