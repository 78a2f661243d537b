package io.labrun.core.snapshot;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The files of a project as they were when a run was submitted: every file not ignored, by path,
 * content hash, size and executable bit. A snapshot is a value: its id is the SHA-256 of its {@link
 * Manifest manifest} (so two snapshots of an identical project share an id), and the manifest is
 * stored in the {@link ObjectStore} under that id next to the file contents it names.
 *
 * @param id the SHA-256 of {@link #manifest()}, lowercase hex; given null, the constructor computes
 *     it, given a value, the constructor checks it
 * @param entries sorted by path in code point order, one per file; directories are implied by the
 *     paths and an empty directory is not part of a snapshot (as in Git)
 */
public record Snapshot(String id, List<SnapshotEntry> entries) {

  public Snapshot {
    entries = List.copyOf(entries);
    checkSortedAndConsistent(entries);
    String actual = Manifest.idOf(Manifest.encode(entries));
    if (id == null) {
      id = actual;
    } else if (!actual.equals(id)) {
      throw new IllegalArgumentException(
          "snapshot id " + id + " is not the hash of its manifest (" + actual + ")");
    }
  }

  /** The snapshot of these entries, in any order. */
  public static Snapshot of(Collection<SnapshotEntry> entries) {
    List<SnapshotEntry> sorted = new ArrayList<>(entries);
    sorted.sort((a, b) -> Manifest.PATH_ORDER.compare(a.path(), b.path()));
    return new Snapshot(null, sorted);
  }

  /** Reads the snapshot {@code id} back from the store, checking that its manifest is intact. */
  public static Snapshot load(ObjectStore store, String id) {
    if (!SnapshotEntry.isSha256(id)) {
      throw LabrunException.badInput("'" + id + "' is not a snapshot id (64 lowercase hex digits)");
    }
    byte[] bytes;
    try {
      if (!store.contains(id)) {
        throw LabrunException.notFound("snapshot " + id + " is not in the object store");
      }
      try (InputStream in = store.open(id)) {
        bytes = in.readAllBytes();
      }
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "could not read snapshot " + id + " from the object store: " + e.getMessage(),
          e);
    }
    if (!Manifest.idOf(bytes).equals(id)) {
      throw new LabrunException(
          ExitCode.STORE,
          "the object store holds a damaged manifest for snapshot "
              + id
              + " (its content does not hash to its id)");
    }
    try {
      return new Snapshot(id, Manifest.parse(bytes));
    } catch (IllegalArgumentException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "object " + id + " is not a readable snapshot manifest: " + e.getMessage(),
          e);
    }
  }

  /** The canonical manifest text, UTF-8; its SHA-256 is {@link #id()}. */
  public byte[] manifest() {
    return Manifest.encode(entries);
  }

  public Optional<SnapshotEntry> entry(String path) {
    int lo = 0;
    int hi = entries.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Manifest.PATH_ORDER.compare(entries.get(mid).path(), path);
      if (c == 0) {
        return Optional.of(entries.get(mid));
      }
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return Optional.empty();
  }

  /** The sum of the files' sizes in bytes. */
  public long totalSize() {
    long total = 0;
    for (SnapshotEntry e : entries) {
      total += e.size();
    }
    return total;
  }

  /**
   * What changed from this snapshot to {@code other}: paths only in {@code other} are added, paths
   * only here removed, and paths in both with other content or another executable bit changed.
   */
  public SnapshotDiff diff(Snapshot other) {
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<SnapshotEntry> mine = entries;
    List<SnapshotEntry> theirs = other.entries;
    int i = 0;
    int j = 0;
    while (i < mine.size() || j < theirs.size()) {
      int c =
          i == mine.size()
              ? 1
              : j == theirs.size()
                  ? -1
                  : Manifest.PATH_ORDER.compare(mine.get(i).path(), theirs.get(j).path());
      if (c < 0) {
        removed.add(mine.get(i++).path());
      } else if (c > 0) {
        added.add(theirs.get(j++).path());
      } else {
        SnapshotEntry a = mine.get(i++);
        SnapshotEntry b = theirs.get(j++);
        if (!a.sha256().equals(b.sha256()) || a.executable() != b.executable()) {
          changed.add(a.path());
        }
      }
    }
    return new SnapshotDiff(added, removed, changed);
  }

  /**
   * Strictly sorted, and no path is both a file and the folder of another file. The paths that
   * start with a file's path follow it directly; only if there are any ("a" then "a-b", "a/b") a
   * binary search looks for "a/".
   */
  private static void checkSortedAndConsistent(List<SnapshotEntry> entries) {
    int n = entries.size();
    for (int i = 1; i < n; i++) {
      if (Manifest.PATH_ORDER.compare(entries.get(i - 1).path(), entries.get(i).path()) >= 0) {
        throw new IllegalArgumentException(
            "snapshot entries must be sorted by path without duplicates: '"
                + entries.get(i - 1).path()
                + "' then '"
                + entries.get(i).path()
                + "'");
      }
    }
    for (int i = 0; i + 1 < n; i++) {
      String file = entries.get(i).path();
      if (!entries.get(i + 1).path().startsWith(file)) {
        continue;
      }
      String folder = file + "/";
      int lo = i + 1;
      int hi = n;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (Manifest.PATH_ORDER.compare(entries.get(mid).path(), folder) < 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      if (lo < n && entries.get(lo).path().startsWith(folder)) {
        throw new IllegalArgumentException(
            "'" + file + "' is both a file and the folder of '" + entries.get(lo).path() + "'");
      }
    }
  }
}
