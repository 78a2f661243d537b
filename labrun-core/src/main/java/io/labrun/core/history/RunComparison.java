package io.labrun.core.history;

import io.labrun.core.history.RunStore.MetricSummary;
import io.labrun.core.run.Run;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs side by side, one field per row ({@code status}, {@code params.lr}, {@code
 * metrics.accuracy}, {@code tags.team}: the names of the run filter language), each row saying
 * whether the runs differ in it, so a view of many runs can show only what differs. Params and tags
 * are redacted as everywhere ({@link ShownRun}); a metric's value is its last one.
 */
public final class RunComparison {
  /** The attributes compared, by the names {@link RunView#row} gives them. */
  private static final List<String> ATTRIBUTES =
      List.of(
          "experiment",
          "status",
          "run_configuration",
          "target",
          "script_name",
          "arguments",
          "sweep_id",
          "exit_code",
          "duration_ms");

  private RunComparison() {}

  /** One compared field: its name, whether the runs differ in it, and each run's value by id. */
  public record Row(String field, boolean differs, Map<String, Object> values) {}

  /**
   * The runs' rows as lists show them, and the fields compared (all, or only those that differ:
   * {@code onlyDifferences}; {@code same} counts the fields left out).
   */
  public record Compared(
      List<Map<String, Object>> runs, boolean onlyDifferences, List<Row> rows, int same) {
    /**
     * As {@code GET /api/v1/compare} answers: {@code runs}, {@code only_differences}, {@code
     * fields} (each {@code field}, {@code differs}, {@code values} by run id), {@code same_fields}.
     */
    public Map<String, Object> view() {
      List<Map<String, Object>> fields = new ArrayList<>();
      for (Row row : rows) {
        fields.add(
            RunView.fields("field", row.field(), "differs", row.differs(), "values", row.values()));
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("runs", runs);
      body.put("only_differences", onlyDifferences);
      body.put("fields", fields);
      body.put("same_fields", same);
      return body;
    }
  }

  public static Compared of(List<Run> runs, RunStore store, Instant now, boolean onlyDifferences) {
    Map<String, Map<String, Object>> fields = new LinkedHashMap<>();
    List<Map<String, Object>> shown = new ArrayList<>();
    Map<String, ShownRun> all = new LinkedHashMap<>();
    Map<String, Map<String, MetricSummary>> metrics = new LinkedHashMap<>();
    Set<String> params = new TreeSet<>();
    Set<String> tags = new TreeSet<>();
    Set<String> metricNames = new LinkedHashSet<>();
    for (Run run : runs) {
      ShownRun s = ShownRun.of(run, store);
      all.put(run.id(), s);
      params.addAll(s.params().keySet());
      tags.addAll(s.tags().keySet());
      Map<String, MetricSummary> m = store.metricSummaries(run.id());
      metrics.put(run.id(), m);
      metricNames.addAll(m.keySet());
      Map<String, Object> row = RunView.row(s.run(), now);
      shown.add(row);
      for (String a : ATTRIBUTES) {
        put(fields, a, run.id(), row.get(a));
      }
    }
    for (ShownRun s : all.values()) {
      String id = s.run().id();
      params.forEach(p -> put(fields, "params." + p, id, s.params().get(p)));
      for (String name : metricNames) {
        MetricSummary m = metrics.get(id).get(name);
        Object last = m == null ? null : m.last().isScalar() ? m.last().value() : m.last().json();
        put(fields, "metrics." + name, id, last);
      }
      tags.forEach(t -> put(fields, "tags." + t, id, s.tags().get(t)));
    }
    labels(shown, fields, params);
    List<Row> rows = new ArrayList<>();
    int same = 0;
    for (var f : fields.entrySet()) {
      boolean differs = differs(f.getValue().values());
      if (differs || !onlyDifferences) {
        rows.add(new Row(f.getKey(), differs, f.getValue()));
      } else {
        same++;
      }
    }
    return new Compared(shown, onlyDifferences, rows, same);
  }

  /**
   * One metric of many runs, to draw on one chart: each run's series with x the step or the seconds
   * since the run started ({@code byTime}).
   */
  public record Overlay(String name, boolean byTime, List<RunSeries> series) {}

  /**
   * A run's series on an {@link Overlay}: {@code count} points logged, {@code downsampled} when the
   * points are buckets.
   */
  public record RunSeries(String runId, long count, boolean downsampled, List<Point> points) {}

  /**
   * A point or bucket: at {@code x} (a step, or seconds; null for a point logged without a time),
   * the last value and the range.
   */
  public record Point(Number x, Double last, Double min, Double max) {}

  /**
   * The metric {@code name} of {@code runs} in at most {@code maxPoints} points each, read for all
   * of them at once ({@link RunBrowser#series(List, String, int)}); runs without it are left out.
   */
  public static Overlay overlay(
      List<Run> runs, RunBrowser browser, String name, boolean byTime, int maxPoints) {
    Map<String, MetricSeries> all =
        browser.series(runs.stream().map(Run::id).toList(), name, maxPoints);
    List<RunSeries> out = new ArrayList<>();
    for (Run run : runs) {
      MetricSeries m = all.get(run.id());
      if (m == null || m.count() == 0) {
        continue;
      }
      Instant start = run.started() != null ? run.started() : run.created();
      List<Point> points = new ArrayList<>(m.points().size());
      for (MetricSeries.Bucket b : m.points()) {
        Number x =
            !byTime
                ? (Number) b.step()
                : b.time() == null ? null : (b.time().toEpochMilli() - start.toEpochMilli()) / 1e3;
        points.add(new Point(x, b.last(), b.min(), b.max()));
      }
      out.add(new RunSeries(run.id(), m.count(), m.downsampled(), points));
    }
    return new Overlay(name, byTime, out);
  }

  /**
   * A short label for each run, for chart legends: the shortest end of its id that no other
   * compared run's id ends with (at least 4 characters), then up to two params in which the runs
   * differ.
   */
  private static void labels(
      List<Map<String, Object>> shown,
      Map<String, Map<String, Object>> fields,
      Set<String> params) {
    List<String> differing = new ArrayList<>();
    for (String p : params) {
      if (differing.size() < 2 && differs(fields.get("params." + p).values())) {
        differing.add(p);
      }
    }
    List<String> ids = shown.stream().map(r -> (String) r.get("run_id")).toList();
    for (Map<String, Object> row : shown) {
      String id = (String) row.get("run_id");
      StringBuilder label = new StringBuilder(uniqueEnd(id, ids));
      for (String p : differing) {
        label.append(' ').append(p).append('=').append(fields.get("params." + p).get(id));
      }
      row.put("label", label.toString());
    }
  }

  private static String uniqueEnd(String id, List<String> ids) {
    for (int n = Math.min(4, id.length()); n < id.length(); n++) {
      String end = id.substring(id.length() - n);
      if (ids.stream().filter(other -> other.endsWith(end)).count() == 1) {
        return end;
      }
    }
    return id;
  }

  private static boolean differs(Iterable<Object> values) {
    Object first = null;
    boolean seen = false;
    for (Object v : values) {
      if (!seen) {
        first = v;
        seen = true;
      } else if (!Objects.equals(first, v)) {
        return true;
      }
    }
    return false;
  }

  private static void put(
      Map<String, Map<String, Object>> fields, String field, String runId, Object value) {
    fields.computeIfAbsent(field, k -> new LinkedHashMap<>()).put(runId, value);
  }
}
