package io.labrun.core.finish;

import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.RunStore;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.SnapshotEntry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Garbage collection of the object store once runs are deleted: an object no run uses (not a run's
 * snapshot manifest, not a file such a manifest names, not an artifact) is removed, unless it was
 * stored or touched within {@code grace}. A submission holds collection off while it asks which
 * objects are missing (those present are touched), uploads and records its run ({@link #using}), so
 * an object uploaded for a submit in progress is never collected; the grace covers a client that
 * has asked but not yet submitted. One collection at a time, in the background: after runs are
 * deleted, and every {@link #EVERY} (what a crashed server or {@code labrun server gc} left).
 */
public final class UnusedObjects implements AutoCloseable {
  /** How often a server collects by itself. */
  public static final Duration EVERY = Duration.ofHours(6);

  /**
   * How long an object no run uses is kept after it was stored or named (a submission in progress).
   */
  public static final Duration DEFAULT_GRACE = Duration.ofHours(1);

  private final RunStore store;
  private final ObjectStore objects;
  private final Clock clock;
  private final Duration grace;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final ScheduledExecutorService collector =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r));

  public UnusedObjects(RunStore store, ObjectStore objects, Clock clock, Duration grace) {
    this.store = store;
    this.objects = objects;
    this.clock = clock;
    this.grace = grace;
  }

  /**
   * {@code labrun server gc}: one collection now, from outside any server. Objects stored or named
   * within {@code grace} are kept, which is what keeps a running server's submissions safe.
   */
  public static int collectNow(RunStore store, ObjectStore objects, Clock clock, Duration grace)
      throws IOException {
    try (UnusedObjects once = new UnusedObjects(store, objects, clock, grace)) {
      return once.collect();
    }
  }

  /** Collects every {@link #EVERY} from now on. */
  public void collectRegularly() {
    collector.scheduleWithFixedDelay(
        this::collectSoon, EVERY.toMinutes(), EVERY.toMinutes(), TimeUnit.MINUTES);
  }

  /** Some work of a submission: naming, uploading or recording objects. */
  public interface Work {
    void run() throws Exception;
  }

  /** Runs {@code work} with collection held off. */
  public void using(Work work) throws Exception {
    lock.readLock().lock();
    try {
      work.run();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Asks for a collection soon; requests made while one waits are served by it. */
  public void collectSoon() {
    if (pending.compareAndSet(false, true)) {
      collector.execute(
          () -> {
            pending.set(false);
            try {
              collect();
            } catch (IOException | RuntimeException e) {
              System.err.println("labrun: removing unused objects failed: " + e.getMessage());
            }
          });
    }
  }

  /** Removes the unused objects now; returns how many. */
  public int collect() throws IOException {
    lock.writeLock().lock();
    try {
      RunStore.ObjectsInUse used = store.objectsInUse();
      Set<String> keep = new HashSet<>(used.artifacts());
      for (String snapshotId : used.snapshots()) {
        keep.add(snapshotId);
        try {
          Snapshot.load(objects, snapshotId).entries().stream()
              .map(SnapshotEntry::sha256)
              .forEach(keep::add);
        } catch (RuntimeException gone) {
          // a manifest that is not there (or not a manifest) names nothing to keep
        }
      }
      return objects.removeUnused(keep::contains, clock.instant().minus(grace));
    } finally {
      lock.writeLock().unlock();
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "labrun-object-gc");
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    collector.shutdownNow();
  }
}
