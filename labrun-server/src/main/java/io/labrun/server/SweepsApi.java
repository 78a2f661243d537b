package io.labrun.server;

import io.javalin.http.Context;
import io.labrun.app.LocalRuns;
import io.labrun.app.Runs;
import io.labrun.core.history.ApiTokens.Role;
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
import io.labrun.core.sweep.SweepFiles;
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
 * Sweeps for the web UI's sweep pages: every sweep with its runs by state and its best run, and one
 * sweep's points (each run's params and last metric values), best first. The primary metric and its
 * goal are the sweep's own when it was started next to this server's history ({@code
 * DATA/sweeps/ID.json}); a request's {@code metric} and {@code goal} replace them.
 */
final class SweepsApi {
  /** A sweep page shows at most this many runs. */
  static final int MAX_POINTS = 5_000;

  private final ServerSetup s;
  private final SweepFiles files;
  private final LocalRuns runs;

  SweepsApi(ServerSetup setup, LocalRuns runs) {
    this.s = setup;
    this.files = new SweepFiles(setup.paths().dataDir().resolve("sweeps"));
    this.runs = runs;
  }

  void routes(ApiRoutes r) {
    r.get("/api/v1/sweeps", Role.READ, this::list);
    r.get("/api/v1/sweeps/{id}", Role.READ, this::one);
    r.post("/api/v1/sweeps/{id}/cancel", Role.SUBMIT, this::cancel);
  }

  /**
   * {@code experiment cancel --sweep} through the server: as on the command line ({@link
   * LocalRuns#cancelSweep}); by the submitter of its runs or an admin.
   */
  private void cancel(Context ctx) {
    String id = ctx.pathParam("id");
    for (Run r : SweepRuns.all(s.store(), id)) {
      Auth.requireOwnerOrAdmin(ctx, r, "cancel its sweep");
    }
    Runs.SweepCanceled c = runs.cancelSweep(id);
    ctx.json(
        RunView.fields(
            "sweep_id",
            c.sweepId(),
            "stopped",
            c.stopped(),
            "not_started",
            c.notStarted(),
            "ended",
            c.ended()));
  }

  private void list(Context ctx) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (SweepSummary sw : s.browser().sweeps()) {
      Map<String, Object> m = summary(sw);
      Optional<Sweep> def = definition(sw.id());
      String metric = def.map(Sweep::rankingMetric).orElse(null);
      Goal goal = def.map(Sweep::rankingGoal).orElse(Goal.MAX);
      m.put("primary_metric", metric);
      m.put("goal", goal.name().toLowerCase(Locale.ROOT));
      m.put("best", metric == null ? null : best(sw.id(), metric, goal));
      out.add(m);
    }
    ctx.json(Map.of("sweeps", out));
  }

  private void one(Context ctx) {
    String id = ctx.pathParam("id");
    SweepSummary sw =
        s.browser().sweeps().stream()
            .filter(x -> x.id().equals(id))
            .findFirst()
            .orElseThrow(() -> ApiError.notFound("sweep " + id + " is not in the run history"));
    Optional<Sweep> def = definition(id);
    List<Run> runs = s.store().list(RunQuery.all().withSweepId(id).withLimit(MAX_POINTS));
    Instant now = s.clock().instant();
    TreeSet<String> params = new TreeSet<>();
    TreeSet<String> metrics = new TreeSet<>();
    List<Map<String, Object>> points = new ArrayList<>();
    for (Run r : runs) {
      Map<String, Object> p = RunView.row(r, now);
      Map<String, String> shown = Redaction.named(s.store().params(r.id()));
      Map<String, Double> last = new LinkedHashMap<>();
      for (MetricSummary m : s.store().metricSummaries(r.id()).values()) {
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
    String metric =
        Optional.ofNullable(ctx.queryParam("metric"))
            .or(() -> def.map(Sweep::rankingMetric))
            .orElse(metrics.isEmpty() ? null : metrics.first());
    Goal goal =
        ctx.queryParam("goal") != null
            ? Goal.parse(ctx.queryParam("goal"))
            : def.map(Sweep::rankingGoal).orElse(Goal.MAX);
    if (metric != null) {
      points.sort(
          Comparator.comparing(
              (Map<String, Object> p) -> value(p, metric), Comparator.nullsLast(goal::compare)));
    }
    Map<String, Object> body = summary(sw);
    body.put("primary_metric", metric);
    body.put("goal", goal.name().toLowerCase(Locale.ROOT));
    body.put("params", params);
    body.put("metrics", metrics);
    body.put("points", points);
    ctx.json(body);
  }

  @SuppressWarnings("unchecked")
  private static Double value(Map<String, Object> point, String metric) {
    return ((Map<String, Double>) point.get("metrics")).get(metric);
  }

  private Optional<Sweep> definition(String id) {
    try {
      return files.read(id);
    } catch (RuntimeException e) {
      return Optional.empty(); // a damaged sweep file leaves the page without its primary metric
    }
  }

  private Map<String, Object> best(String sweepId, String metric, Goal goal) {
    RunPage page =
        s.browser()
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
