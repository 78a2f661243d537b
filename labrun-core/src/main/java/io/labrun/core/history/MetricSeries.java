package io.labrun.core.history;

import java.time.Instant;
import java.util.List;

/**
 * One metric of a run, ready for a chart: every point when there are few, or at most the asked
 * number of buckets, each with the range and the last value of the points in it, when there are
 * many. {@code count} is the number of points logged.
 */
public record MetricSeries(String name, long count, boolean downsampled, List<Bucket> points) {
  /**
   * Points of a stretch of steps ending at {@code step}: {@code last} is the value at that step,
   * {@code min} and {@code max} the range over the bucket (all three equal for a single point). A
   * list or dict value has null numbers and its JSON text in {@code json}.
   */
  public record Bucket(
      long step, Instant time, Double last, Double min, Double max, long count, String json) {}
}
