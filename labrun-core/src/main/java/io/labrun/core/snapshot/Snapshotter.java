package io.labrun.core.snapshot;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.project.Project;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Takes snapshots of projects into an {@link ObjectStore} and writes them back out.
 *
 * <p><b>Taking</b> walks the project ({@link ProjectWalk}: ignore rules, symbolic links), then asks
 * a per-project {@link StatCache} which files are unchanged since the last snapshot (same size,
 * modification time and file key): those are not read at all. The others are given to {@link
 * ObjectStore#put(Path)}, which streams and hashes them and keeps content it does not hold yet.
 * Finally the manifest is stored, its hash being the snapshot id.
 *
 * <p><b>Trusting the cache.</b> A cache entry is written only after its content was stored in (or
 * found in) the store, so the cache is a list of objects that store holds, and the hot path makes
 * no per-file {@code contains} call (which is a network round trip for a remote store). Objects in
 * a content-addressed store only go away by a cleanup, and the cache's entries are a subset of the
 * last snapshot it was written with; so one {@code contains} of that snapshot's manifest is the
 * canary: a cleanup that kept it kept the objects it names, one that removed it (or a different
 * store behind the same cache folder) makes this take check every cached object with {@code
 * contains} and re-hash what is missing. {@link Options#verifyStoredObjects()} forces that check.
 * What neither catches (an object lost by accident while its snapshot stayed) shows when the
 * snapshot is materialized, which copies every object: that fails with a clear message and drops
 * the stat caches, so the next snapshot stores everything again.
 *
 * <p><b>Racy files.</b> A file modified twice within the file system's time resolution keeps its
 * modification time. Entries for files modified less than {@value #RACY_MARGIN_SECONDS} s before a
 * scan began are therefore not cached and are read again next time (as Git's "racily clean"
 * entries); a file dated in the future is read every time. This assumes the project's file system
 * clock agrees with this machine's within that margin, which holds for local disks.
 *
 * <p>Empty folders are not part of a snapshot (as in Git): a script that needs one creates it.
 */
public final class Snapshotter {
  static final int RACY_MARGIN_SECONDS = 2;
  private static final long RACY_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(RACY_MARGIN_SECONDS);

  /**
   * @param maxBytes the largest total size a snapshot may have ({@link Long#MAX_VALUE}: no limit)
   * @param verifyStoredObjects check with the store that every cached object is still there
   */
  public record Options(long maxBytes, boolean verifyStoredObjects) {
    public Options {
      if (maxBytes < 0) {
        throw new IllegalArgumentException("negative snapshot size limit " + maxBytes);
      }
    }

    public static Options defaults() {
      return new Options(Long.MAX_VALUE, false);
    }

    public Options withMaxBytes(long limit) {
      return new Options(limit, verifyStoredObjects);
    }

    public Options withVerifyStoredObjects(boolean verify) {
      return new Options(maxBytes, verify);
    }
  }

  private final ObjectStore store;
  private final Path cacheDir;
  private final Options options;

  /**
   * @param cacheDir where the stat caches live, one file per project; best next to the store
   */
  public Snapshotter(ObjectStore store, Path cacheDir) {
    this(store, cacheDir, Options.defaults());
  }

  public Snapshotter(ObjectStore store, Path cacheDir, Options options) {
    this.store = Objects.requireNonNull(store);
    this.cacheDir = Objects.requireNonNull(cacheDir);
    this.options = Objects.requireNonNull(options);
  }

  /** Takes a snapshot of the project as it is now and stores it. */
  public Snapshot take(Project project) {
    return takeReport(project).snapshot();
  }

  /** A snapshot taken earlier, by its id. */
  public Snapshot load(String snapshotId) {
    return Snapshot.load(store, snapshotId);
  }

  /** Like {@link #take}, also telling how many files were read and which were skipped. */
  public SnapshotReport takeReport(Project project) {
    long scanStart = epochNanos(Instant.now());
    ProjectWalk.Result walk = walk(project);
    checkSizeLimit(walk.files());

    Path cacheFile = StatCache.fileFor(cacheDir, project.root());
    StatCache cache = StatCache.load(cacheFile);
    boolean canaryStored = !cache.isEmpty() && contains(cache.snapshotId());
    boolean verify = options.verifyStoredObjects() || (!cache.isEmpty() && !canaryStored);
    Map<String, StatCache.Entry> nextCache =
        new HashMap<>(Math.max(16, walk.files().size() * 4 / 3 + 1));
    List<SnapshotEntry> entries = new ArrayList<>(walk.files().size());
    int hashed = 0;
    long bytesHashed = 0;
    for (ProjectWalk.Found f : walk.files()) {
      StatCache.Entry known = cache.get(f.path());
      String sha;
      long size = f.size();
      boolean stable = true;
      if (known != null
          && known.sameFile(f.size(), f.mtimeNanos(), f.fileKey())
          && (!verify || contains(known.sha256()))) {
        sha = known.sha256();
      } else {
        Stored stored = put(f);
        if (stored == null) {
          continue; // deleted while we walked: the snapshot shows the project without it
        }
        hashed++;
        bytesHashed += stored.size();
        sha = stored.sha256();
        size = stored.size();
        stable = stored.stable();
      }
      entries.add(new SnapshotEntry(f.path(), sha, size, f.executable()));
      if (stable && f.mtimeNanos() < scanStart - RACY_MARGIN_NANOS) {
        nextCache.put(f.path(), new StatCache.Entry(f.size(), f.mtimeNanos(), f.fileKey(), sha));
      }
    }
    Snapshot snapshot = Snapshot.of(entries);
    if (!(canaryStored && snapshot.id().equals(cache.snapshotId()))) {
      storeManifest(snapshot);
    }
    if (hashed > 0
        || nextCache.size() != cache.size()
        || !snapshot.id().equals(cache.snapshotId())) {
      try {
        new StatCache(snapshot.id(), nextCache).save(cacheFile);
      } catch (IOException e) {
        throw new LabrunException(
            ExitCode.STORE,
            "could not write the snapshot cache " + cacheFile + ": " + ProjectWalk.describe(e),
            e);
      }
    }
    return new SnapshotReport(snapshot, entries.size(), hashed, bytesHashed, walk.skipped());
  }

  /**
   * Writes the snapshot's files into {@code dir}, which must not exist or be empty: parent folders
   * are created, content is copied from the store (never hard-linked, so a run that changes its
   * files cannot change a stored object) and each file gets mode 644 or 755 by its executable bit.
   * The result is the project as it was snapshotted, less its ignored files and empty folders.
   */
  public void materialize(Snapshot snapshot, Path dir) {
    new Materializer(store, cacheDir).write(snapshot, dir);
  }

  private ProjectWalk.Result walk(Project project) {
    try {
      return ProjectWalk.walk(project.root());
    } catch (NoSuchFileException e) {
      throw LabrunException.notFound("the project folder " + project.root() + " does not exist");
    } catch (IOException e) {
      throw ProjectWalk.cannotRead("the project folder", e);
    }
  }

  private record Stored(String sha256, long size, boolean stable) {}

  /** Stores the file's content; null if the file is gone. */
  private Stored put(ProjectWalk.Found f) {
    String sha;
    try {
      sha = store.put(f.file());
    } catch (IOException e) {
      boolean aboutTheFile =
          e instanceof FileSystemException fse && f.file().toString().equals(fse.getFile());
      if (aboutTheFile && e instanceof NoSuchFileException) {
        return null;
      }
      if (aboutTheFile) {
        throw ProjectWalk.cannotRead(f.path(), e);
      }
      throw new LabrunException(
          ExitCode.STORE,
          "could not store " + f.path() + " in the object store: " + ProjectWalk.describe(e),
          e);
    }
    // A file written while it was read: the store has some version of it; its size is the
    // stored object's, and it is not cached, so the next snapshot reads it again.
    boolean stable;
    try {
      BasicFileAttributes after = Files.readAttributes(f.file(), BasicFileAttributes.class);
      Object key = after.fileKey();
      stable =
          after.size() == f.size()
              && after.lastModifiedTime().to(TimeUnit.NANOSECONDS) == f.mtimeNanos()
              && Objects.equals(key == null ? null : key.toString(), f.fileKey());
    } catch (IOException e) {
      stable = false;
    }
    try {
      return new Stored(sha, stable ? f.size() : store.size(sha), stable);
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "could not read the size of object "
              + sha
              + " from the object store: "
              + ProjectWalk.describe(e),
          e);
    }
  }

  private void storeManifest(Snapshot snapshot) {
    try {
      if (!store.contains(snapshot.id())) {
        String id = store.put(snapshot.manifest());
        if (!id.equals(snapshot.id())) {
          throw new LabrunException(
              ExitCode.STORE,
              "the object store returned " + id + " for snapshot manifest " + snapshot.id());
        }
      }
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "could not store the manifest of snapshot "
              + snapshot.id()
              + ": "
              + ProjectWalk.describe(e),
          e);
    }
  }

  private boolean contains(String sha256) {
    return store.contains(sha256);
  }

  private void checkSizeLimit(List<ProjectWalk.Found> files) {
    if (options.maxBytes() == Long.MAX_VALUE) {
      return;
    }
    long total = 0;
    for (ProjectWalk.Found f : files) {
      total += f.size();
    }
    if (total <= options.maxBytes()) {
      return;
    }
    String largest =
        files.stream()
            .sorted(
                Comparator.comparingLong(ProjectWalk.Found::size)
                    .reversed()
                    .thenComparing(ProjectWalk.Found::path))
            .limit(5)
            .map(f -> f.path() + " (" + humanSize(f.size()) + ")")
            .collect(Collectors.joining(", "));
    throw LabrunException.badInput(
        "the project is "
            + humanSize(total)
            + ", over the snapshot limit of "
            + humanSize(options.maxBytes())
            + "; largest files: "
            + largest
            + ". Leave large data out with patterns in "
            + IgnoreRules.AMLIGNORE
            + " (and read it from the nativeSharedDirectory), or raise the limit");
  }

  static String humanSize(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  private static long epochNanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
