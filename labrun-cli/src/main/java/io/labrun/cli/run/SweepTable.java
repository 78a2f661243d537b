package io.labrun.cli.run;

import io.labrun.core.history.RunStore;
import io.labrun.core.history.RunStore.MetricSummary;
import io.labrun.core.history.RunView;
import io.labrun.core.run.Redaction;
import io.labrun.core.run.Run;
import io.labrun.core.sweep.Goal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sweep's results: one row per point (its latest attempt) with its parameters and the last value
 * of each metric, best first by the primary metric (runs without it last, in point order).
 */
final class SweepTable {
  private final List<Map<String, Object>> rows = new ArrayList<>();
  private final List<String> columns = new ArrayList<>();

  private SweepTable() {}

  /**
   * @param params parameter names in sweep order; params found only on runs are added after them
   */
  static SweepTable of(
      RunStore store,
      List<Run> latest,
      List<String> params,
      String primaryMetric,
      Goal goal,
      Instant now) {
    SweepTable t = new SweepTable();
    Set<String> paramNames = new LinkedHashSet<>(params);
    Set<String> metricNames = new LinkedHashSet<>();
    if (primaryMetric != null) {
      metricNames.add(primaryMetric);
    }
    List<Entry> entries = new ArrayList<>();
    for (Run r : latest) {
      Map<String, String> p = Redaction.named(store.params(r.id()));
      Map<String, MetricSummary> m = store.metricSummaries(r.id());
      paramNames.addAll(p.keySet());
      m.forEach(
          (name, s) -> {
            if (s.last() != null && s.last().isScalar()) {
              metricNames.add(name);
            }
          });
      entries.add(new Entry(r, p, m));
    }
    if (primaryMetric != null) {
      // a stable sort: equal values stay in point order
      entries.sort(Comparator.comparing((Entry e) -> e.value(primaryMetric), goal.bestFirst()));
    }
    t.columns.addAll(List.of("run_id", "status", "attempt"));
    paramNames.forEach(t.columns::add);
    List<String> metricColumns =
        metricNames.stream().map(n -> paramNames.contains(n) ? "metric " + n : n).toList();
    t.columns.addAll(metricColumns);
    t.columns.add("duration");
    for (Entry e : entries) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("run_id", e.run().id());
      row.put("status", e.run().status().display());
      row.put("attempt", e.run().attempt());
      paramNames.forEach(n -> row.put(n, e.params().get(n)));
      int k = 0;
      for (String n : metricNames) {
        MetricSummary s = e.metrics().get(n);
        row.put(metricColumns.get(k++), s == null || s.last() == null ? null : s.last().plain());
      }
      row.put("duration", RunView.duration(e.run().duration(now)));
      t.rows.add(row);
    }
    return t;
  }

  List<Map<String, Object>> rows() {
    return rows;
  }

  List<String> columns() {
    return columns;
  }

  private record Entry(Run run, Map<String, String> params, Map<String, MetricSummary> metrics) {
    Double value(String metric) {
      MetricSummary s = metrics.get(metric);
      return s == null || s.last() == null || !s.last().isScalar() || s.last().value().isNaN()
          ? null
          : s.last().value();
    }
  }
}
