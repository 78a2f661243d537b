package io.labrun.core.snapshot;

import io.labrun.core.home.Folders;
import io.labrun.core.supervisor.StateFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs' working folders, written from their snapshots, and handed on to the next run of the same
 * snapshot when a run left its folder exactly as it found it.
 *
 * <p>A sweep runs one snapshot hundreds of times. Writing its files out for each run, and deleting
 * them after, costs more than a short script itself on some file systems (each new inode of a
 * journal-less ext4 is found past every inode freed in the last seconds). So when a run has ended
 * and its outputs are collected, {@link #release} looks at its folder: when every file and folder
 * is the very one written (same inode, same change time, which the kernel sets on every write,
 * truncation, chmod or link and no program can set back), and nothing else is there but the
 * collected {@code outputs/}, the folder is renamed aside as a spare; {@link #materialize} renames
 * a spare of the same snapshot into the next run's place instead of writing the files again. The
 * result is byte for byte what writing them would give. Anything else is deleted, as before.
 *
 * <p>Spares belong to this object (one command's wiring) and live under {@code spareRoot/<owner>/};
 * {@link #close} deletes them, and spare folders of processes that are gone are deleted when the
 * next one is made. At most {@link #MAX_SPARES} are kept, each for {@link #KEEP} at most (a
 * long-lived process, such as the server, does not keep old projects' copies around).
 */
public final class WorkFolders implements AutoCloseable {
  /** Spares kept at most (of all snapshots): one per parallel slot is all a sweep needs. */
  public static final int MAX_SPARES = 8;

  /** Folders remembered at most: more than runs go at once, however many slots a sweep has. */
  static final int REMEMBERED = 256;

  /** How long a spare waits for a run of its snapshot before it is deleted. */
  public static final Duration KEEP = Duration.ofMinutes(1);

  private final Snapshotter snapshots;
  private final Path spareRoot;
  private final long keepNanos;

  /**
   * What each folder this object wrote looked like then, by its path; the latest {@link
   * #REMEMBERED} only (a target that deletes its runs' folders itself never releases them here).
   */
  private final Map<Path, Written> written =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Written> eldest) {
          return size() > REMEMBERED;
        }
      };

  private final Map<String, Deque<Spare>> spares = new HashMap<>();
  private final AtomicLong spareNames = new AtomicLong();
  private Path ownFolder;
  private int spareCount;
  private long made;
  private long reused;

  /**
   * @param snapshots writes a snapshot's files
   * @param spareRoot where spare folders are kept; on the same file system as the runs' folders, so
   *     that handing one on is a rename
   */
  public WorkFolders(Snapshotter snapshots, Path spareRoot) {
    this(snapshots, spareRoot, KEEP);
  }

  /** As above, spares kept for {@code keep} at most. */
  public WorkFolders(Snapshotter snapshots, Path spareRoot, Duration keep) {
    this.snapshots = Objects.requireNonNull(snapshots);
    this.spareRoot = spareRoot.toAbsolutePath().normalize();
    this.keepNanos = keep.toNanos();
  }

  /** Writes {@code snapshot} into {@code dir} (new or empty), or moves a spare of it there. */
  public void materialize(Snapshot snapshot, Path dir) {
    Path target = dir.toAbsolutePath().normalize();
    deleteExpired();
    Spare spare = takeSpare(snapshot.id());
    if (spare != null) {
      try {
        Files.createDirectories(target.getParent());
        if (Files.notExists(target, LinkOption.NOFOLLOW_LINKS) && spare.state.matches(spare.dir)) {
          Files.move(spare.dir, target, StandardCopyOption.ATOMIC_MOVE);
          remember(target, new Written(snapshot.id(), spare.state));
          synchronized (this) {
            reused++;
          }
          return;
        }
      } catch (IOException | UncheckedIOException e) {
        // not usable after all: written afresh below
      }
      deleteQuietly(spare.dir);
    }
    snapshots.materialize(snapshot, target);
    try {
      remember(target, new Written(snapshot.id(), Tree.read(target)));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // it cannot be looked at: it is deleted after its run, not handed on
    }
    synchronized (this) {
      made++;
    }
  }

  /**
   * The run that used {@code dir} is over and its outputs are collected: keeps the folder for the
   * next run of its snapshot when the run left it as written (its {@code outputs/} removed), and
   * deletes it otherwise.
   */
  public void release(Path dir) throws IOException {
    Path target = dir.toAbsolutePath().normalize();
    deleteExpired();
    Written w;
    synchronized (this) {
      w = written.remove(target);
    }
    if (w != null && hasRoom()) {
      Folders.delete(target.resolve(StateFolder.OUTPUTS));
      if (w.state.matches(target)) {
        Path aside = ownFolder().resolve(w.snapshotId + "-" + spareNames.incrementAndGet());
        try {
          Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
          if (keep(new Spare(w.snapshotId, aside, w.state, System.nanoTime()))) {
            return;
          }
          target = aside;
        } catch (IOException e) {
          // not moved: deleted where it is
        }
      }
    }
    Folders.delete(target);
  }

  /** Folders written from snapshots so far, and folders handed on instead. */
  public synchronized String describe() {
    return made + " written, " + reused + " handed on";
  }

  /** Deletes the spares. */
  @Override
  public void close() {
    Path own;
    synchronized (this) {
      spares.clear();
      spareCount = 0;
      own = ownFolder;
      ownFolder = null;
    }
    if (own != null) {
      deleteQuietly(own);
    }
  }

  private synchronized void remember(Path dir, Written w) {
    written.put(dir, w);
  }

  private synchronized Spare takeSpare(String snapshotId) {
    Deque<Spare> q = spares.get(snapshotId);
    Spare s = q == null ? null : q.pollFirst();
    if (s != null) {
      spareCount--;
    }
    return s;
  }

  private synchronized boolean hasRoom() {
    return spareCount < MAX_SPARES;
  }

  private synchronized boolean keep(Spare s) {
    if (ownFolder == null || spareCount >= MAX_SPARES) {
      return false; // closed meanwhile, or others were quicker
    }
    spares.computeIfAbsent(s.snapshotId, k -> new ArrayDeque<>()).addLast(s);
    spareCount++;
    return true;
  }

  /** This object's folder of spares, made on first use; spares left by dead processes go then. */
  private synchronized Path ownFolder() throws IOException {
    if (ownFolder == null) {
      Files.createDirectories(spareRoot);
      deleteLeftovers();
      Path own = spareRoot.resolve(ProcessHandle.current().pid() + "-" + UUID.randomUUID());
      Files.createDirectory(own);
      ownFolder = own;
    }
    return ownFolder;
  }

  private void deleteLeftovers() throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(spareRoot)) {
      for (Path p : s) {
        String name = p.getFileName().toString();
        int dash = name.indexOf('-');
        long pid;
        try {
          pid = Long.parseLong(dash < 0 ? name : name.substring(0, dash));
        } catch (NumberFormatException e) {
          continue;
        }
        if (ProcessHandle.of(pid).isEmpty()) {
          deleteQuietly(p);
        }
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      Folders.delete(dir);
    } catch (IOException e) {
      // left for 'labrun experiment clean', or for the next process to find it ownerless
    }
  }

  private record Written(String snapshotId, Tree state) {}

  private record Spare(String snapshotId, Path dir, Tree state, long keptAt) {}

  private void deleteExpired() {
    List<Spare> old = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      for (Deque<Spare> q : spares.values()) {
        while (!q.isEmpty() && now - q.peekFirst().keptAt >= keepNanos) {
          old.add(q.pollFirst());
          spareCount--;
        }
      }
    }
    old.forEach(s -> deleteQuietly(s.dir));
  }

  /**
   * What a folder holds: for every file, link and folder below it, its relative path, inode, change
   * time, size and type; and the top folder's mode. The top folder's own times are not kept: moving
   * it, or removing the {@code outputs/} in it, changes them.
   */
  record Tree(Object rootMode, Map<String, Node> nodes) {
    /** One entry; {@code attributes} are its {@link #ATTRIBUTES}, read with one {@code lstat}. */
    record Node(Map<String, Object> attributes) {}

    private static final String ATTRIBUTES = "unix:dev,ino,ctime,size,isDirectory";

    static Tree read(Path root) throws IOException {
      Map<String, Node> nodes = new HashMap<>();
      readBelow(root, root, nodes);
      return new Tree(Files.getAttribute(root, "unix:mode", LinkOption.NOFOLLOW_LINKS), nodes);
    }

    private static void readBelow(Path root, Path dir, Map<String, Node> nodes) throws IOException {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path p : entries) {
          Map<String, Object> a = Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
          nodes.put(root.relativize(p).toString(), new Node(a));
          if (Boolean.TRUE.equals(a.get("isDirectory"))) {
            readBelow(root, p, nodes); // a link to a folder is not a folder here: not followed
          }
        }
      }
    }

    /** True when {@code root} holds exactly these nodes, unchanged. */
    boolean matches(Path root) {
      try {
        return Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS) && read(root).equals(this);
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
        return false; // changed under us, or a file system without change times: never handed on
      }
    }
  }
}
