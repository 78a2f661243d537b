package io.labrun.core.sweep;

import io.labrun.core.history.RunStore.MetricSummary;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.supervisor.MetricsParser;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last metric value a running script logged, read from its metrics folder as it grows (the
 * supervisor protocol's {@code STATE/metrics}), at most once per {@code every}: the named metric
 * when one is given, else whichever was logged last. Shown as {@code name=value}.
 */
final class LiveMetrics {
  private final Path dir;
  private final String preferred;
  private final long everyNanos;
  private Map<String, Long> offsets = new HashMap<>();
  private long nextRead;
  private String lastPreferred;
  private String lastAny;
  private String shown;

  LiveMetrics(Path dir, String preferred, Duration every) {
    this.dir = dir;
    this.preferred = preferred;
    this.everyNanos = every.toNanos();
    this.nextRead = System.nanoTime();
  }

  /**
   * A new {@code name=value} when one was logged since the last call; reads at most every so often.
   */
  Optional<String> poll() {
    long now = System.nanoTime();
    if (now - nextRead < 0) {
      return Optional.empty();
    }
    nextRead = now + everyNanos;
    try {
      MetricsParser.Batch batch = MetricsParser.read(dir, offsets);
      offsets = new HashMap<>(batch.offsets());
      for (MetricPoint p : batch.points()) {
        if (p.isScalar()) {
          String text = p.name() + "=" + p.text();
          if (p.name().equals(preferred)) {
            lastPreferred = text;
          }
          lastAny = text;
        }
      }
    } catch (IOException e) {
      return Optional.empty(); // not there yet, or a remote target's: shown at the end instead
    }
    String show = lastPreferred != null ? lastPreferred : lastAny;
    if (show == null || show.equals(shown)) {
      return Optional.empty();
    }
    shown = show;
    return Optional.of(show);
  }

  /** The value to show for an ended run: the named metric's last value, else the latest logged. */
  static Optional<String> lastOf(Map<String, MetricSummary> summaries, String preferred) {
    if (preferred != null && summaries.containsKey(preferred)) {
      return Optional.of(preferred + "=" + summaries.get(preferred).last().text());
    }
    return summaries.values().stream()
        .filter(s -> s.last() != null && s.last().isScalar())
        .max(
            Comparator.comparing(
                (MetricSummary s) -> s.last().time() == null ? Instant.EPOCH : s.last().time()))
        .map(s -> s.name() + "=" + s.last().text());
  }
}
