package io.labrun.core.finish;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.ObjectStore.Removed;
import io.labrun.core.history.RunStore;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.SnapshotEntry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
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

  /** How often a running server records in its object store that it runs. */
  public static final Duration BEAT = Duration.ofMinutes(1);

  /** A server whose record is older than this was stopped without a word (killed): it is gone. */
  public static final Duration GONE = Duration.ofMinutes(3);

  private final String serverId = UUID.randomUUID().toString();
  private volatile boolean running;

  private final RunStore store;
  private final ObjectStore objects;
  private final Clock clock;
  private final Duration grace;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final ScheduledExecutorService collector =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r));
  private final ScheduledExecutorService beats =
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
  public static Removed collectNow(RunStore store, ObjectStore objects, Clock clock, Duration grace)
      throws IOException {
    Optional<Instant> seen = objects.serverSeen();
    Instant now = clock.instant();
    if (seen.isPresent() && seen.get().isAfter(now.minus(GONE))) {
      throw new LabrunException(
          ExitCode.BAD_INPUT,
          "a labrun server uses these objects (it said so "
              + Math.max(0, Duration.between(seen.get(), now).toSeconds())
              + " s ago) and collects them itself, after runs are deleted and every "
              + EVERY.toHours()
              + " hours; stop it to collect from here (a server killed without stopping counts"
              + " as gone "
              + GONE.toMinutes()
              + " minutes after its last word)");
    }
    try (UnusedObjects once = new UnusedObjects(store, objects, clock, grace)) {
      return once.collect();
    }
  }

  /**
   * Collects every {@link #EVERY} from now on, as a server: records in the object store that it
   * runs (every {@link #BEAT}, until {@link #close}), so no gc from outside sweeps beside it.
   */
  public void collectRegularly() {
    running = true;
    // a thread of its own: a long collection must not hold the record back until it looks gone
    beats.scheduleAtFixedRate(this::sayRunning, 0, BEAT.toSeconds(), TimeUnit.SECONDS);
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

  /** Removes the unused objects now; says how many and their bytes. */
  public Removed collect() throws IOException {
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

  private void sayRunning() {
    try {
      objects.serverRunning(serverId);
    } catch (IOException | RuntimeException e) {
      System.err.println(
          "labrun: cannot record in the object store that this server runs: " + e.getMessage());
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
    beats.shutdownNow();
    if (running) {
      try {
        beats.awaitTermination(10, TimeUnit.SECONDS); // a record being written, then removed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        objects.serverStopped(serverId);
      } catch (IOException | RuntimeException e) {
        // gc from outside waits until the record is older than GONE
      }
    }
  }
}
