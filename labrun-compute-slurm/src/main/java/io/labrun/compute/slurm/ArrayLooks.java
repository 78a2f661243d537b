package io.labrun.compute.slurm;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last look at each job array, shared by every slurm target of one command (a sweep follows
 * each element of its array on a slot of its own): one {@code scontrol show job ARRAYID} answers
 * for all of its elements for {@link #FRESH_NANOS}, so a hundred waiting elements cost the
 * controller one question a second, not a hundred.
 */
final class ArrayLooks {
  /** How long one look at an array answers for its elements. */
  static final long FRESH_NANOS = 1_000_000_000L;

  /** What a look found: the array's records, or null when Slurm no longer knows the array. */
  private record Look(long at, List<JobInfo> jobs) {}

  /** A question to Slurm about an array: its records, or null when it no longer knows it. */
  interface Asker {
    List<JobInfo> ask() throws IOException;
  }

  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final Map<String, Look> looks = new ConcurrentHashMap<>();

  /**
   * The records of array {@code key} (where its commands run and its id), asked with {@code ask}
   * unless a look younger than {@link #FRESH_NANOS} has them; null when Slurm no longer knows it.
   */
  List<JobInfo> of(String key, Asker ask) throws IOException {
    synchronized (locks.computeIfAbsent(key, k -> new Object())) {
      Look last = looks.get(key);
      long now = System.nanoTime();
      if (last != null && now - last.at() < FRESH_NANOS) {
        return last.jobs();
      }
      List<JobInfo> jobs = ask.ask();
      looks.put(key, new Look(System.nanoTime(), jobs));
      return jobs;
    }
  }

  /** Forgets what was seen of array {@code key}: the next question asks Slurm (after a cancel). */
  void forget(String key) {
    looks.remove(key);
  }
}
