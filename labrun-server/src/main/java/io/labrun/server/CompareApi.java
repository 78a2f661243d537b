package io.labrun.server;

import io.javalin.http.Context;
import io.labrun.core.history.ApiTokens.Role;
import io.labrun.core.history.MetricSeries;
import io.labrun.core.history.RunComparison;
import io.labrun.core.history.RunComparison.Compared;
import io.labrun.core.history.RunComparison.Row;
import io.labrun.core.history.RunView;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.query.RunFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Many runs side by side: {@code /api/v1/compare} gives each field (attributes, params, metrics'
 * last values, tags) with whether the runs differ in it, and {@code /api/v1/compare/metrics/NAME}
 * one metric of every run, downsampled, by step or by time since each run started, to overlay them.
 * The runs are named ({@code runs=ID,ID...}) or found by a run filter ({@code filter=...}).
 */
final class CompareApi {
  static final int MAX_RUNS = 500;
  static final int MAX_SERIES_POINTS = 2_000;
  private final ServerSetup s;
  private final RunsApi runs;

  CompareApi(ServerSetup setup, RunsApi runs) {
    this.s = setup;
    this.runs = runs;
  }

  void routes(ApiRoutes r) {
    r.get("/api/v1/compare", Role.READ, this::compare);
    r.get("/api/v1/compare/metrics/{name}", Role.READ, this::overlay);
  }

  private void compare(Context ctx) {
    boolean only = "true".equals(ctx.queryParam("only_differences"));
    Compared c = RunComparison.of(compared(ctx), s.store(), s.clock().instant(), only);
    List<Map<String, Object>> fields = new ArrayList<>();
    for (Row row : c.rows()) {
      fields.add(
          RunView.fields("field", row.field(), "differs", row.differs(), "values", row.values()));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("runs", c.runs());
    body.put("only_differences", only);
    body.put("fields", fields);
    body.put("same_fields", c.same());
    ctx.json(body);
  }

  private void overlay(Context ctx) {
    String x = ctx.queryParamAsClass("x", String.class).getOrDefault("step");
    if (!x.equals("step") && !x.equals("time")) {
      throw ApiError.badRequest(
          "x must be 'step' or 'time' (seconds since each run started), got '" + x + "'");
    }
    int max = RunsApi.intParam(ctx, "max_points", 500, 2, MAX_SERIES_POINTS);
    String name = ctx.pathParam("name");
    List<Map<String, Object>> series = new ArrayList<>();
    for (Run run : compared(ctx)) {
      MetricSeries m = s.browser().series(run.id(), name, max);
      if (m.count() == 0) {
        continue;
      }
      Instant start = run.started() != null ? run.started() : run.created();
      List<Object[]> points = new ArrayList<>(m.points().size());
      for (MetricSeries.Bucket b : m.points()) {
        Object at =
            x.equals("step")
                ? (Object) b.step()
                : b.time() == null ? null : (b.time().toEpochMilli() - start.toEpochMilli()) / 1e3;
        points.add(new Object[] {at, b.last(), b.min(), b.max()});
      }
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("run_id", run.id());
      one.put("count", m.count());
      one.put("downsampled", m.downsampled());
      one.put("points", points);
      series.add(one);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("x", x);
    body.put("columns", List.of(x.equals("step") ? "step" : "seconds", "last", "min", "max"));
    body.put("series", series);
    ctx.json(body);
  }

  /** The runs named by {@code runs}, in that order, or the first {@code limit} a filter finds. */
  private List<Run> compared(Context ctx) {
    List<String> ids = RunsApi.list(ctx.queryParam("runs"));
    String filter = ctx.queryParam("filter");
    if (ids.isEmpty() == (filter == null)) {
      throw ApiError.badRequest(
          "name the runs to compare: runs=ID,ID,... or filter=... (a run filter), one of them");
    }
    if (filter != null) {
      int limit = RunsApi.intParam(ctx, "limit", 50, 1, MAX_RUNS);
      return s.store().list(RunQuery.all().withRunFilter(RunFilter.parse(filter)).withLimit(limit));
    }
    Set<String> unique = new LinkedHashSet<>(ids);
    if (unique.size() > MAX_RUNS) {
      throw ApiError.badRequest(
          "at most " + MAX_RUNS + " runs can be compared at once, got " + unique.size());
    }
    List<Run> out = new ArrayList<>();
    for (String id : unique) {
      out.add(
          s.store()
              .find(id)
              .orElseThrow(() -> ApiError.notFound("run " + id + " is not in the run history")));
    }
    return out;
  }
}
