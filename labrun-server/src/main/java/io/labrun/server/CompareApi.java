package io.labrun.server;

import io.javalin.http.Context;
import io.labrun.app.LocalRuns;
import io.labrun.core.history.ApiTokens.Role;
import io.labrun.core.history.RunComparison.Overlay;
import io.labrun.core.history.RunComparison.Point;
import io.labrun.core.history.RunComparison.RunSeries;
import io.labrun.core.run.Run;
import io.labrun.core.run.query.RunFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Many runs side by side ({@link LocalRuns#compareRuns}, {@link LocalRuns#overlays}): {@code
 * /api/v1/compare} gives each field (attributes, params, metrics' last values, tags) with whether
 * the runs differ in it; {@code /api/v1/compare/metrics?name=A&name=B} the named metrics of every
 * run, downsampled, by step or by time since each run started, to overlay them ({@code
 * /api/v1/compare/metrics/NAME}: one of them). The runs are named ({@code runs=ID,ID...}) or found
 * by a run filter ({@code filter=...}).
 */
final class CompareApi {
  static final int MAX_SERIES_POINTS = 2_000;

  /** The most metrics one request for overlays names. */
  static final int MAX_METRICS = 100;

  private final LocalRuns local;

  CompareApi(LocalRuns local) {
    this.local = local;
  }

  void routes(ApiRoutes r) {
    r.get("/api/v1/compare", Role.READ, this::compare);
    r.get("/api/v1/compare/metrics", Role.READ, this::overlays);
    r.get("/api/v1/compare/metrics/{name}", Role.READ, this::overlay);
  }

  private void compare(Context ctx) {
    boolean only = "true".equals(ctx.queryParam("only_differences"));
    ctx.json(local.compareRuns(compared(ctx), only).view());
  }

  /** One metric: {@code {name, x, columns, series}}. */
  private void overlay(Context ctx) {
    ctx.json(shown(overlaid(ctx, List.of(ctx.pathParam("name"))).get(0)));
  }

  /** Several metrics: {@code {x, columns, metrics: [{name, series}, ...]}}, in the order named. */
  private void overlays(Context ctx) {
    List<String> names = ctx.queryParams("name");
    if (names.isEmpty() || names.size() > MAX_METRICS) {
      throw ApiError.badRequest(
          "name from 1 to "
              + MAX_METRICS
              + " metrics to overlay: name=NAME&name=NAME..., got "
              + names.size());
    }
    List<Overlay> all = overlaid(ctx, names);
    Map<String, Object> body = new LinkedHashMap<>();
    boolean byTime = all.get(0).byTime();
    body.put("x", byTime ? "time" : "step");
    body.put("columns", columns(byTime));
    List<Map<String, Object>> metrics = new ArrayList<>();
    for (Overlay o : all) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("name", o.name());
      one.put("series", series(o));
      metrics.add(one);
    }
    body.put("metrics", metrics);
    ctx.json(body);
  }

  private List<Overlay> overlaid(Context ctx, List<String> names) {
    String x = ctx.queryParamAsClass("x", String.class).getOrDefault("step");
    if (!x.equals("step") && !x.equals("time")) {
      throw ApiError.badRequest(
          "x must be 'step' or 'time' (seconds since each run started), got '" + x + "'");
    }
    int max = RunsApi.intParam(ctx, "max_points", 500, 2, MAX_SERIES_POINTS);
    return local.overlays(compared(ctx), names, x.equals("time"), max);
  }

  private static Map<String, Object> shown(Overlay o) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", o.name());
    body.put("x", o.byTime() ? "time" : "step");
    body.put("columns", columns(o.byTime()));
    body.put("series", series(o));
    return body;
  }

  private static List<String> columns(boolean byTime) {
    return List.of(byTime ? "seconds" : "step", "last", "min", "max");
  }

  private static List<Map<String, Object>> series(Overlay o) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RunSeries s : o.series()) {
      List<Object[]> points = new ArrayList<>(s.points().size());
      for (Point p : s.points()) {
        points.add(new Object[] {p.x(), p.last(), p.min(), p.max()});
      }
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("run_id", s.runId());
      one.put("count", s.count());
      one.put("downsampled", s.downsampled());
      one.put("points", points);
      out.add(one);
    }
    return out;
  }

  /** The runs named by {@code runs}, in that order, or the first {@code limit} a filter finds. */
  private List<Run> compared(Context ctx) {
    String filter = ctx.queryParam("filter");
    int limit = RunsApi.intParam(ctx, "limit", 50, 1, LocalRuns.MOST_COMPARED);
    return local.compared(
        RunsApi.list(ctx.queryParam("runs")),
        filter == null ? null : RunFilter.parse(filter),
        limit);
  }
}
