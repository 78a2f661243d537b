package io.labrun.server;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson3;
import io.javalin.router.ParsedEndpoint;
import io.labrun.app.LocalRuns;
import io.labrun.app.RunRecords;
import io.labrun.app.SweepResults;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.finish.UnusedObjects;
import io.labrun.core.history.ApiTokens.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code labrun server}: run history for a team. A REST API under {@code /api/v1/} (JSON, every
 * route behind a bearer token and a role, {@link ApiRoutes}), Server-Sent Events for live logs, the
 * OpenAPI description, and the web UI's static files from the jar, all from one Javalin (Jetty)
 * server. {@code GET /health} and the UI's files are the only things served without a token; the UI
 * asks for one and sends it with each API call.
 */
public final class LabrunServer implements AutoCloseable {
  private static final String STARTED = "labrun.started";
  private final Javalin app;
  private final LogStreams streams;
  private final MetricStreams metricStreams;
  private final RunQueue queue;
  private final UnusedObjects unused;
  private final List<ApiRoutes.Route> table;

  private LabrunServer(
      Javalin app,
      LogStreams streams,
      MetricStreams metricStreams,
      RunQueue queue,
      UnusedObjects unused,
      List<ApiRoutes.Route> table) {
    this.table = List.copyOf(table);
    this.unused = unused;
    this.app = app;
    this.streams = streams;
    this.metricStreams = metricStreams;
    this.queue = queue;
  }

  /** Starts listening; throws a {@link LabrunException} with what to do when it cannot. */
  public static LabrunServer start(ServerConfig config, ServerSetup setup) {
    JsonMapper mapper = JsonMapper.builder().build();
    Auth auth = new Auth(setup.tokens());
    LogStreams streams =
        new LogStreams(
            setup.store(),
            setup.objects(),
            setup.paths(),
            setup.clock(),
            mapper::writeValueAsString,
            auth);
    MetricStreams metricStreams =
        new MetricStreams(setup.store(), setup.paths(), mapper::writeValueAsString, auth);
    Workspaces workspaces = new Workspaces(setup.paths(), setup.objects(), setup.store());
    UnusedObjects unused =
        new UnusedObjects(
            setup.store(), setup.objects(), setup.clock(), config.unusedObjectGrace());
    // the operations on runs the CLI calls too, on this server's history and targets
    ServerParts parts = new ServerParts(setup, unused);
    LocalRuns local = new LocalRuns(parts, false);
    RunRecords records = new RunRecords(local, parts);
    RunQueue queue =
        setup.pipeline() == null
            ? null
            : new RunQueue(setup, config.runsPerTarget(), workspaces, local);
    RunsApi runs = new RunsApi(setup, local, records);
    FilesApi files = new FilesApi(setup, runs, local, records, auth);
    LogsApi logs = new LogsApi(setup, runs, streams, metricStreams);
    SubmitApi submit = new SubmitApi(setup, config, queue, workspaces, runs, unused, auth);
    List<ApiRoutes.Route> table = new ArrayList<>();
    byte[] openapi = resource("openapi.json");
    Path ui = UiFiles.copyTo(setup.paths().dataDir().resolve("server").resolve("ui"));
    Javalin app =
        Javalin.create(
            c -> {
              c.jsonMapper(new JavalinJackson3(mapper, false));
              c.startup.showJavalinBanner = false;
              c.startup.showOldJavalinVersionWarning = false;
              c.jetty.host = config.host();
              c.jetty.port = config.port();
              c.http.maxRequestSize = ServerConfig.MAX_JSON_BYTES;
              // Downloads and event streams go out as they are written; nothing is buffered to
              // compress.
              c.http.compressionStrategy = CompressionStrategy.NONE;
              c.staticFiles.add(
                  sf -> {
                    sf.hostedPath = "/";
                    sf.directory = ui.toString();
                    sf.location = Location.EXTERNAL; // not the class path: see UiFiles
                    Map<String, String> headers = new HashMap<>(BrowserHeaders.ALL);
                    headers.put("Cache-Control", "no-cache");
                    sf.headers = headers;
                  });
              c.routes.before(
                  BrowserHeaders::add); // first: every answer carries them, errors included
              c.routes.exception(ApiError.class, Problems::apiError);
              c.routes.exception(LabrunException.class, Problems::labrun);
              c.routes.exception(Exception.class, Problems::bug);
              c.routes.error(
                  404,
                  ctx -> {
                    if (ctx.result() == null) {
                      ctx.json(
                          Map.of("error", "no such resource: " + ctx.method() + " " + ctx.path()));
                    }
                  });
              c.routes.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
              // Server-Timing: the time spent on the request in the server, for benchmarks and
              // browsers' dev tools.
              c.routes.before("/api/*", ctx -> ctx.attribute(STARTED, System.nanoTime()));
              c.routes.before("/api/*", auth::authenticate);
              c.routes.beforeMatched("/api/*", auth::authorize);
              c.routes.after(
                  "/api/*",
                  ctx -> {
                    Long t0 = ctx.attribute(STARTED);
                    if (t0 != null && !ctx.res().isCommitted()) {
                      ctx.header(
                          "Server-Timing",
                          String.format(
                              Locale.ROOT, "app;dur=%.2f", (System.nanoTime() - t0) / 1e6));
                    }
                  });
              ApiRoutes api = new ApiRoutes(c.routes);
              api.get(
                  "/api/v1/openapi.json",
                  Role.READ,
                  ctx -> ctx.contentType("application/json").result(openapi));
              runs.routes(api);
              new SweepsApi(new SweepResults(parts), local).routes(api);
              new RunEditsApi(runs, local).routes(api);
              new CompareApi(local).routes(api);
              files.routes(api);
              logs.routes(api);
              submit.routes(api);
              table.addAll(api.table());
            });
    try {
      app.start();
    } catch (RuntimeException e) {
      streams.close();
      metricStreams.close();
      unused.close();
      throw new LabrunException(
          ExitCode.BAD_INPUT,
          "cannot listen on "
              + config.host()
              + ":"
              + config.port()
              + " ("
              + rootCause(e)
              + "); choose another --port or --bind");
    }
    if (queue != null) {
      queue.start();
    }
    unused.collectRegularly();
    return new LabrunServer(app, streams, metricStreams, queue, unused, table);
  }

  public int port() {
    return app.port();
  }

  /**
   * Every HTTP route as {@code METHOD /path}, with Javalin's {@code {param}} and {@code <param>}
   * spelling.
   */
  public List<String> routes() {
    List<String> out = new ArrayList<>();
    for (ParsedEndpoint e : app.unsafe.internalRouter.allHttpHandlers()) {
      HandlerType m = e.endpoint.method;
      if (m.isHttpMethod()) {
        out.add(m.name() + " " + e.endpoint.path);
      }
    }
    return out;
  }

  /** The API's route table: each route and the role it needs ({@link ApiRoutes}). */
  List<ApiRoutes.Route> apiRoutes() {
    return table;
  }

  @Override
  public void close() {
    if (queue != null) {
      queue.close();
    }
    streams.close();
    metricStreams.close();
    unused.close();
    app.stop();
  }

  private static byte[] resource(String name) {
    try (InputStream in = LabrunServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the labrun-server jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof UnresolvedAddressException) {
      return "no such address";
    }
    return t.getMessage() == null ? "cannot bind" : t.getMessage();
  }
}
