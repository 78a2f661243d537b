package io.labrun.objects.s3;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ids this store put in the bucket or touched within the last {@link #FRESH}: asked about again (a
 * submission naming its files, then submitting them), they cost no {@code HEAD}. Only ids labrun
 * itself just wrote (the object or its marker) are kept, so no garbage collection with a grace
 * longer than {@link #FRESH} can have removed them meanwhile, from this server or another sharing
 * the bucket; this store's own collection forgets them all.
 */
final class KnownObjects {
  static final Duration FRESH = Duration.ofMinutes(1);
  private static final int MOST = 100_000;

  private final Map<String, Long> writtenAt =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > MOST;
        }
      };

  synchronized boolean has(String sha256) {
    Long at = writtenAt.get(sha256);
    return at != null && System.nanoTime() - at < FRESH.toNanos();
  }

  synchronized void written(String sha256) {
    writtenAt.put(sha256, System.nanoTime());
  }

  synchronized void forget() {
    writtenAt.clear();
  }
}
