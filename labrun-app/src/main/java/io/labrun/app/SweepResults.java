package io.labrun.app;

import io.labrun.core.error.LabrunException;
import io.labrun.core.history.RunBrowser.SweepSummary;
import io.labrun.core.history.RunPage;
import io.labrun.core.history.RunStore.MetricSummary;
import io.labrun.core.history.RunTableQuery;
import io.labrun.core.history.RunTableQuery.Sort;
import io.labrun.core.history.RunView;
import io.labrun.core.run.Redaction;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.core.sweep.Goal;
import io.labrun.core.sweep.Sweep;
import io.labrun.core.sweep.SweepRuns;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Sweeps as the web UI shows them: every sweep with its runs by state and its best run, and one
 * sweep's points (each run's params and last metric values), best first. The primary metric and its
 * goal are the sweep's own as the history recorded it ({@link LocalRuns.Parts#sweeps()}); a
 * request's metric and goal replace them.
 */
public final class SweepResults {
  /** A sweep page shows at most this many runs. */
  public static final int MAX_POINTS = 5_000;

  private final LocalRuns.Parts parts;

  public SweepResults(LocalRuns.Parts parts) {
    this.parts = parts;
  }

  /** Every sweep, newest first, with its primary metric, goal and best run. */
  public List<Map<String, Object>> all() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (SweepSummary sw : parts.browser().sweeps()) {
      Map<String, Object> m = summary(sw);
      Optional<Sweep> def = definition(sw.id());
      String metric = def.map(Sweep::rankingMetric).orElse(null);
      Goal goal = def.map(Sweep::rankingGoal).orElse(Goal.MAX);
      m.put("primary_metric", metric);
      m.put("goal", goal.name().toLowerCase(Locale.ROOT));
      m.put("best", metric == null ? null : best(sw.id(), metric, goal));
      out.add(m);
    }
    return out;
  }

  /**
   * One sweep's points, best first by {@code metric} (null: the sweep's, or the first metric by
   * name) and {@code goal} (null: the sweep's, or max); not found says so.
   */
  public Map<String, Object> one(String id, String metric, String goal) {
    SweepSummary sw =
        parts.browser().sweeps().stream()
            .filter(x -> x.id().equals(id))
            .findFirst()
            .orElseThrow(
                () -> LabrunException.notFound("sweep " + id + " is not in the run history"));
    Optional<Sweep> def = definition(id);
    List<Run> runs = parts.store().list(RunQuery.all().withSweepId(id).withLimit(MAX_POINTS));
    Instant now = parts.clock().instant();
    TreeSet<String> params = new TreeSet<>();
    TreeSet<String> metrics = new TreeSet<>();
    List<Map<String, Object>> points = new ArrayList<>();
    for (Run r : runs) {
      Map<String, Object> p = RunView.row(r, now);
      Map<String, String> shown = Redaction.named(parts.store().params(r.id()));
      Map<String, Double> last = new LinkedHashMap<>();
      for (MetricSummary m : parts.store().metricSummaries(r.id()).values()) {
        if (m.last().isScalar()) {
          last.put(m.name(), m.last().value());
        }
      }
      params.addAll(shown.keySet());
      metrics.addAll(last.keySet());
      p.put("params", shown);
      p.put("metrics", last);
      points.add(p);
    }
    String ranked =
        Optional.ofNullable(metric)
            .or(() -> def.map(Sweep::rankingMetric))
            .orElse(metrics.isEmpty() ? null : metrics.first());
    Goal g = goal != null ? Goal.parse(goal) : def.map(Sweep::rankingGoal).orElse(Goal.MAX);
    if (ranked != null) {
      points.sort(Comparator.comparing(p -> value(p, ranked), g.bestFirst()));
    }
    Map<String, Object> body = summary(sw);
    body.put("primary_metric", ranked);
    body.put("goal", g.name().toLowerCase(Locale.ROOT));
    body.put("params", params);
    body.put("metrics", metrics);
    body.put("points", points);
    return body;
  }

  /** The sweep's runs, every attempt ({@code SweepRuns.all}). */
  public List<Run> runs(String sweepId) {
    return SweepRuns.all(parts.store(), sweepId);
  }

  @SuppressWarnings("unchecked")
  private static Double value(Map<String, Object> point, String metric) {
    return ((Map<String, Double>) point.get("metrics")).get(metric);
  }

  private Optional<Sweep> definition(String id) {
    try {
      return parts.sweeps().read(id);
    } catch (RuntimeException e) {
      return Optional.empty(); // an unreadable record leaves the page without its primary metric
    }
  }

  private Map<String, Object> best(String sweepId, String metric, Goal goal) {
    RunPage page =
        parts
            .browser()
            .page(
                new RunTableQuery(
                    RunQuery.all().withSweepId(sweepId),
                    null,
                    new Sort(null, metric, goal == Goal.MAX),
                    List.of(metric),
                    null,
                    1));
    if (page.runs().isEmpty()) {
      return null;
    }
    Run r = page.runs().get(0);
    Double v = page.metrics().getOrDefault(r.id(), Map.of()).get(metric);
    if (v == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", r.id());
    m.put("value", v);
    return m;
  }

  private static Map<String, Object> summary(SweepSummary sw) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sweep_id", sw.id());
    m.put("experiment", sw.experiment());
    m.put("runs", sw.runs());
    Map<String, Long> byStatus = new LinkedHashMap<>();
    for (RunStatus st : RunStatus.values()) {
      if (sw.statuses().containsKey(st)) {
        byStatus.put(st.display(), sw.statuses().get(st));
      }
    }
    m.put("statuses", byStatus);
    m.put("first_run_utc", RunView.time(sw.firstRun()));
    m.put("last_run_utc", RunView.time(sw.lastRun()));
    return m;
  }
}
