package io.labrun.server;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.labrun.core.history.ApiTokens.Role;
import io.labrun.core.run.LogRecord;
import io.labrun.core.run.Run;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's output: stored records from a byte offset (or the last bytes of it, for a tail), and the
 * live stream of new records and status changes ({@link LogStreams}).
 */
final class LogsApi {
  static final int MAX_BYTES = 8 << 20;
  private final ServerSetup s;
  private final RunsApi runs;
  private final LogStreams streams;
  private final MetricStreams metrics;

  LogsApi(ServerSetup setup, RunsApi runs, LogStreams streams, MetricStreams metrics) {
    this.s = setup;
    this.runs = runs;
    this.streams = streams;
    this.metrics = metrics;
  }

  void routes(ApiRoutes r) {
    r.get("/api/v1/runs/{id}/logs", Role.READ, this::logs);
    r.get("/api/v1/runs/{id}/logs/search", Role.READ, this::search);
    for (String stream :
        new String[] {"/api/v1/runs/{id}/events", "/api/v1/runs/{id}/metric-events"}) {
      // Checked before the stream starts, so an unknown run is a plain 404 and not an empty stream.
      r.before(
          stream,
          ctx -> {
            runs.run(ctx);
            String accept = ctx.header("Accept");
            if (accept == null || !accept.contains("text/event-stream")) {
              // Javalin answers such a request with an empty 200; say what is missing instead.
              throw new ApiError(406, "this is an event stream: send 'Accept: text/event-stream'");
            }
          });
    }
    r.sse("/api/v1/runs/{id}/events", Role.READ, this::events);
    r.sse(
        "/api/v1/runs/{id}/metric-events",
        Role.READ,
        client ->
            metrics.follow(
                client,
                runs.run(client.ctx()),
                MetricStreams.cursor(client.ctx().header("Last-Event-ID")),
                Auth.caller(client.ctx())));
  }

  private void logs(Context ctx) throws IOException {
    Run run = runs.run(ctx);
    RunLog log = RunLog.of(s.paths(), s.objects(), run);
    int max = RunsApi.intParam(ctx, "max_bytes", 1 << 20, 1, MAX_BYTES);
    long offset =
        ctx.queryParam("tail_bytes") != null
            ? log.tailStart(RunsApi.longParam(ctx, "tail_bytes", 0))
            : RunsApi.longParam(ctx, "offset", 0);
    List<LogRecord> records = log.read(offset, max);
    long next = records.isEmpty() ? offset : records.get(records.size() - 1).nextOffset();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("run_id", run.id());
    body.put("status", run.status().display());
    body.put("offset", offset);
    body.put("next_offset", next);
    // Complete: the run is final and nothing is left past this page.
    body.put("complete", run.status().isFinal() && next >= log.size());
    body.put("records", records.stream().map(Views::record).toList());
    ctx.json(body);
  }

  /** The records that contain {@code q} (or match it, with {@code regex=true}), bounded. */
  private void search(Context ctx) throws IOException {
    Run run = runs.run(ctx);
    LogSearch search =
        new LogSearch(
            ctx.queryParam("q"),
            "true".equals(ctx.queryParam("regex")),
            !"false".equals(ctx.queryParam("ignore_case")));
    long offset = RunsApi.longParam(ctx, "offset", 0);
    int limit = RunsApi.intParam(ctx, "limit", 100, 1, 1000);
    LogSearch.Found found = search.search(RunLog.of(s.paths(), s.objects(), run), offset, limit);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("run_id", run.id());
    body.put("offset", offset);
    body.put("next_offset", found.nextOffset());
    // Complete: nothing is left to search (for a running run, until it writes more).
    body.put("complete", found.reachedEnd());
    body.put("timed_out", found.timedOut());
    body.put(
        "matches",
        found.hits().stream()
            .map(
                h -> {
                  Map<String, Object> m = Views.record(h.record());
                  m.put("match_start", h.start());
                  m.put("match_end", h.end());
                  return m;
                })
            .toList());
    ctx.json(body);
  }

  private void events(SseClient client) {
    Context ctx = client.ctx();
    Run run = runs.run(ctx);
    String last = ctx.header("Last-Event-ID");
    if (last != null && !last.isBlank()) {
      long offset;
      try {
        offset = Long.parseLong(last.strip());
      } catch (NumberFormatException e) {
        offset = 0; // not one of ours: start over rather than guess
      }
      streams.follow(
          client,
          run,
          Math.max(0, offset),
          offset > 0 || "0".equals(last.strip()),
          Auth.caller(ctx));
    } else {
      streams.follow(client, run, RunsApi.longParam(ctx, "offset", 0), false, Auth.caller(ctx));
    }
  }
}
