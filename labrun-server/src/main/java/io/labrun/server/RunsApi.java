package io.labrun.server;

import static io.labrun.core.history.RunView.fields;

import io.javalin.http.Context;
import io.labrun.app.LocalRuns;
import io.labrun.app.RunRecords;
import io.labrun.app.RunsPage;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ApiTokens.Role;
import io.labrun.core.history.RunTableQuery.Column;
import io.labrun.core.history.RunTableQuery.MetricCondition;
import io.labrun.core.history.RunTableQuery.Sort;
import io.labrun.core.history.RunView;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.core.run.query.RunFilter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs, their params, tags and metrics, experiments and targets: the read side of the API. */
final class RunsApi {
  static final int MAX_CHART_POINTS = 10_000;
  private static final Pattern CONDITION =
      Pattern.compile("^\\s*(.+?)\\s*(<=|>=|!=|=|<|>)\\s*(\\S+)\\s*$");

  private final ServerSetup s;
  private final LocalRuns runs;
  private final RunRecords records;

  RunsApi(ServerSetup setup, LocalRuns runs, RunRecords records) {
    this.s = setup;
    this.runs = runs;
    this.records = records;
  }

  void routes(ApiRoutes r) {
    r.get("/api/v1/runs", Role.READ, this::list);
    r.get("/api/v1/runs/{id}", Role.READ, ctx -> ctx.json(runs.info(ctx.pathParam("id"))));
    r.get(
        "/api/v1/runs/{id}/params",
        Role.READ,
        ctx -> ctx.json(records.params(ctx.pathParam("id"))));
    r.get("/api/v1/runs/{id}/tags", Role.READ, ctx -> ctx.json(records.tags(ctx.pathParam("id"))));
    r.get(
        "/api/v1/runs/{id}/metrics",
        Role.READ,
        ctx -> ctx.json(Map.of("metrics", records.metrics(ctx.pathParam("id")))));
    r.get("/api/v1/runs/{id}/metrics/{name}", Role.READ, this::metric);
    r.get(
        "/api/v1/experiments",
        Role.READ,
        ctx ->
            ctx.json(
                Map.of(
                    "experiments",
                    records.experiments().stream()
                        .map(
                            e ->
                                fields(
                                    "name",
                                    e.name(),
                                    "runs",
                                    e.runs(),
                                    "last_run_utc",
                                    RunView.time(e.lastRun())))
                        .toList())));
    r.get("/api/v1/targets", Role.READ, this::targets);
    r.delete("/api/v1/runs/{id}", Role.ADMIN, this::delete);
  }

  /**
   * {@code history delete}: a finished run leaves the history, with its state folder (its log); its
   * snapshot and artifacts are collected soon, unless other runs use them.
   */
  private void delete(Context ctx) {
    String id = ctx.pathParam("id");
    try {
      runs.delete(List.of(id), deleted -> {});
    } catch (LabrunException e) {
      if (e.exitCode() == ExitCode.BAD_INPUT) {
        throw new ApiError(409, e.getMessage()); // a run not ended yet: its state forbids it
      }
      throw e;
    }
    ctx.json(Map.of("run_id", id, "deleted", true));
  }

  /** The run named by the path ({@link LocalRuns#find}), or 404. */
  Run run(Context ctx) {
    return runs.find(ctx.pathParam("id"));
  }

  /** The runs table's page ({@link RunsPage}), read from the query's parameters. */
  private void list(Context ctx) {
    RunQuery filter =
        new RunQuery(
                ctx.queryParam("experiment"),
                statuses(ctx.queryParam("status")),
                ctx.queryParam("run_configuration"),
                ctx.queryParam("target"),
                ctx.queryParam("script"),
                ctx.queryParam("sweep"),
                time(ctx, "since"),
                time(ctx, "until"),
                null,
                50)
            .withRunFilter(RunFilter.parse(ctx.queryParam("filter")));
    List<MetricCondition> conditions = new ArrayList<>();
    for (String w : ctx.queryParams("where")) {
      conditions.add(condition(w));
    }
    RunsPage page =
        runs.page(
            new RunsPage.Query(
                filter,
                ctx.queryParam("filter"),
                conditions,
                sort(ctx.queryParam("sort")),
                RunsPage.Columns.parse(ctx.queryParam("columns")),
                ctx.queryParam("after"),
                ctx.queryParam("cursor"),
                intParam(ctx, "limit", 50, 1, 1000)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("runs", page.rows());
    body.put("next_cursor", page.nextCursor());
    ctx.json(body);
  }

  private void metric(Context ctx) {
    int max = intParam(ctx, "max_points", 1000, 2, MAX_CHART_POINTS);
    ctx.json(Views.series(records.series(ctx.pathParam("id"), ctx.pathParam("name"), max)));
  }

  private void targets(Context ctx) {
    if (s.project() == null) {
      ctx.json(Map.of("targets", List.of()));
      return;
    }
    ProjectConfigs configs = s.configs().apply(s.project());
    List<Map<String, Object>> out = new ArrayList<>();
    for (String name : configs.computeTargetNames()) {
      try {
        ComputeTargetSpec t = configs.computeTarget(name).value();
        // Never the password (encrypted or not) nor the key file's path: only what locates the
        // target.
        out.add(
            fields(
                "name",
                t.name(),
                "type",
                t.type().configName(),
                "address",
                t.address(),
                "port",
                t.port(),
                "username",
                t.username(),
                "base_docker_image",
                t.baseDockerImage()));
      } catch (LabrunException e) {
        out.add(fields("name", name, "error", e.getMessage()));
      }
    }
    ctx.json(
        Map.of(
            "project",
            s.project().name(),
            "targets",
            out,
            "run_configurations",
            configs.runConfigurationNames()));
  }

  static Set<RunStatus> statuses(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    Set<RunStatus> out = EnumSet.noneOf(RunStatus.class);
    for (String t : text.split(",")) {
      out.add(
          RunStatus.parse(t)
              .orElseThrow(
                  () ->
                      ApiError.badRequest(
                          "status '"
                              + t.strip()
                              + "' is not a run state; use Queued, Preparing, Running, Completed,"
                              + " Failed, Canceled or Lost")));
    }
    return out;
  }

  static MetricCondition condition(String text) {
    Matcher m = CONDITION.matcher(text);
    if (!m.matches()) {
      throw ApiError.badRequest(
          "'"
              + text
              + "' is not a metric condition; write it like accuracy > 0.9 (<, <=, =, !=, >=, >)");
    }
    double v;
    try {
      v = Double.parseDouble(m.group(3));
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("'" + m.group(3) + "' in '" + text + "' is not a number");
    }
    MetricCondition.Op op =
        Arrays.stream(MetricCondition.Op.values())
            .filter(o -> o.symbol().equals(m.group(2)))
            .findFirst()
            .orElseThrow();
    return new MetricCondition(m.group(1), op, v);
  }

  /**
   * {@code created} ascending, {@code -created} descending, {@code metric:NAME} or {@code
   * -metric:NAME}.
   */
  static Sort sort(String text) {
    if (text == null || text.isBlank()) {
      return Sort.NEWEST_FIRST;
    }
    boolean desc = text.startsWith("-");
    String key = desc ? text.substring(1) : text;
    if (key.startsWith("metric:") && key.length() > "metric:".length()) {
      return new Sort(null, key.substring("metric:".length()), desc);
    }
    Column c =
        Column.parse(key)
            .orElseThrow(
                () ->
                    ApiError.badRequest(
                        "cannot sort by '"
                            + key
                            + "'; use one of "
                            + String.join(
                                ", ", Arrays.stream(Column.values()).map(Column::key).toList())
                            + ", or metric:NAME (prefix - for descending)"));
    return new Sort(c, null, desc);
  }

  static List<String> list(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return Arrays.stream(text.split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList();
  }

  static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw ApiError.badRequest(name + " must be between " + min + " and " + max + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(name + " must be a whole number, got '" + v + "'");
    }
  }

  static long longParam(Context ctx, String name, long fallback) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw ApiError.badRequest(name + " must not be negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(name + " must be a whole number, got '" + v + "'");
    }
  }

  private static Instant time(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return v.matches("\\d{4}-\\d{2}-\\d{2}") ? Instant.parse(v + "T00:00:00Z") : Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest(
          name
              + " must be a date (2026-11-26) or a UTC time (2026-11-26T10:00:00Z), got '"
              + v
              + "'");
    }
  }
}
