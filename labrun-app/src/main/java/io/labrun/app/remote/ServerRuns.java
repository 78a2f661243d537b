package io.labrun.app.remote;

import io.labrun.app.Assembly;
import io.labrun.app.Downloads;
import io.labrun.app.Runs;
import io.labrun.app.RunsPage;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.Artifact;
import io.labrun.core.history.RunComparison.Compared;
import io.labrun.core.history.RunComparison.Row;
import io.labrun.core.history.RunEdit;
import io.labrun.core.history.RunTableQuery.MetricCondition;
import io.labrun.core.history.RunTableQuery.Sort;
import io.labrun.core.plan.SubmitRequest;
import io.labrun.core.run.RunEvents;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.core.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * {@link Runs} through a labrun server: the REST API, which shows runs as {@code RunView} does
 * here. A submitted project is snapshotted on this machine ({@code local}: its objects and
 * snapshotter, assembled only when a run is submitted) and sent to the server, which runs it.
 */
public final class ServerRuns implements Runs {
  private final ServerClient client;
  private final Supplier<Assembly> local;

  public ServerRuns(Server server, Supplier<Assembly> local) {
    this.client = new ServerClient(server);
    this.local = local;
  }

  /** Asks the server for one run: a wrong URL or a refused token says so in one line. */
  public void check() {
    client.get("/api/v1/runs?limit=1");
  }

  /**
   * Snapshots the project here, uploads only the objects the server lacks and queues the run there;
   * the server runs it on the project's target (and decides about retries).
   */
  @Override
  public String submit(Submission submission, SubmitWatch watch) {
    SubmitRequest request = submission.request();
    if (request.target() != null) {
      throw LabrunException.badInput(
          "-t is not supported through a server yet; name the target in the run configuration, or"
              + " 'labrun logout' to run here");
    }
    if (request.timeout() != null) {
      throw LabrunException.badInput(
          "--timeout is not supported through a server yet; submit without it, or 'labrun logout'"
              + " to run here");
    }
    if (submission.policy().maxAttempts() > 1) {
      throw LabrunException.badInput(
          "retries are not supported through a server yet (--retries, or Retries: in the run"
              + " configuration); submit without them, or 'labrun logout' to run here");
    }
    Assembly here = local.get();
    Snapshot snapshot = here.snapshotter().take(request.project());
    int uploaded = SnapshotUpload.upload(client, here.objects(), snapshot);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("experiment", request.project().name());
    body.put("snapshot_id", snapshot.id());
    body.put("run_configuration", request.runConfiguration());
    body.put("script", request.script().replace('\\', '/'));
    body.put("arguments", request.arguments());
    String runId = client.post("/api/v1/runs", body).get("run_id").asString();
    if (submission.detach()) {
      return runId;
    }
    watch.queued(
        runId,
        "queued on "
            + client.server().url()
            + "; "
            + uploaded
            + " of "
            + (snapshot.entries().size() + 1)
            + " files uploaded");
    try (var watching = watch.watching(runId)) {
      ServerLogs.follow(client, runId, watch.events());
    }
    return runId;
  }

  /** The stored output page by page, or followed live over Server-Sent Events to the run's end. */
  @Override
  public Optional<Ended> logs(String runId, boolean follow, RunEvents events) {
    if (!follow) {
      ServerLogs.pages(client, runId, events);
      return Optional.empty();
    }
    return Optional.of(new Ended(runId, ServerLogs.follow(client, runId, events), null));
  }

  /** The server's page in {@code after} paging; rows as {@code RunView.row} (no metric columns). */
  @Override
  public List<Map<String, Object>> list(RunQuery query, String filter) {
    RunsPage page =
        page(
            new RunsPage.Query(
                query, filter, null, null, null, query.cursor(), null, query.limit()));
    for (Map<String, Object> row : page.rows()) {
      row.remove("metrics"); // the UI's metric columns; RunView.row has none
    }
    return page.rows();
  }

  /** {@code GET /api/v1/runs}, with the query as its parameters. */
  @Override
  public RunsPage page(RunsPage.Query query) {
    RunQuery f = query.filter();
    Map<String, String> p = new LinkedHashMap<>();
    p.put("experiment", f.experiment());
    p.put(
        "status",
        f.statuses() == null
            ? null
            : f.statuses().stream().map(RunStatus::display).collect(Collectors.joining(",")));
    p.put("run_configuration", f.runConfiguration());
    p.put("target", f.target());
    p.put("script", f.script());
    p.put("sweep", f.sweepId());
    p.put("since", f.createdAfter() == null ? null : f.createdAfter().toString());
    p.put("until", f.createdBefore() == null ? null : f.createdBefore().toString());
    p.put("filter", query.filterText());
    p.put("sort", sortText(query.sort()));
    p.put("columns", query.columns().text());
    p.put("limit", Integer.toString(query.limit()));
    p.put("after", query.after());
    p.put("cursor", query.cursor());
    StringBuilder path = new StringBuilder(ServerClient.query("/api/v1/runs", p));
    for (MetricCondition c : query.where()) {
      path.append("&where=")
          .append(ServerClient.segment(c.metric() + " " + c.op().symbol() + " " + c.value()));
    }
    JsonNode body = client.get(path.toString());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JsonNode r : body.get("runs")) {
      rows.add(
          ServerClient.JSON.convertValue(r, new TypeReference<LinkedHashMap<String, Object>>() {}));
    }
    JsonNode next = body.path("next_cursor");
    return new RunsPage(rows, next.isString() ? next.asString() : null);
  }

  /** As the server reads {@code sort}: a column or {@code metric:NAME}, {@code -} descending. */
  private static String sortText(Sort sort) {
    if (sort.equals(Sort.NEWEST_FIRST)) {
      return null; // the server's default
    }
    return (sort.descending() ? "-" : "")
        + (sort.metric() != null ? "metric:" + sort.metric() : sort.column().key());
  }

  /** The server's largest page ({@code limit} of {@code GET /api/v1/runs}). */
  @Override
  public int largestPage() {
    return 1000;
  }

  @Override
  public Map<String, Object> info(String runId) {
    return ServerClient.JSON.convertValue(
        client.get(ServerClient.runPath(runId)),
        new TypeReference<LinkedHashMap<String, Object>>() {});
  }

  /** {@code GET /api/v1/compare?runs=ID,...}, read back into the record it was written from. */
  @Override
  public Compared compare(List<String> runIds, boolean onlyDifferences) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("runs", String.join(",", runIds));
    p.put("only_differences", Boolean.toString(onlyDifferences));
    JsonNode body = client.get(ServerClient.query("/api/v1/compare", p));
    TypeReference<LinkedHashMap<String, Object>> map = new TypeReference<>() {};
    List<Map<String, Object>> runs = new ArrayList<>();
    for (JsonNode r : body.get("runs")) {
      runs.add(ServerClient.JSON.convertValue(r, map));
    }
    List<Row> rows = new ArrayList<>();
    for (JsonNode f : body.get("fields")) {
      rows.add(
          new Row(
              f.get("field").asString(),
              f.get("differs").asBoolean(),
              ServerClient.JSON.convertValue(f.get("values"), map)));
    }
    return new Compared(
        runs, body.get("only_differences").asBoolean(), rows, body.get("same_fields").asInt());
  }

  @Override
  public Map<String, Object> edit(String runId, RunEdit edit) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("tags", edit.tags());
    body.put("untag", edit.untag());
    body.put("note", edit.note());
    return ServerClient.JSON.convertValue(
        client.patch(ServerClient.runPath(runId), body),
        new TypeReference<LinkedHashMap<String, Object>>() {});
  }

  @Override
  public Map<String, Object> status(String runId) {
    return info(runId);
  }

  /** The server cancels as {@code LocalRuns} does, waiting for the run's end, and reports it. */
  @Override
  public Canceled cancel(String runId) {
    JsonNode c = client.post(ServerClient.runPath(runId, "cancel"), Map.of());
    return new Canceled(
        c.get("run_id").asString(),
        c.get("status").asString(),
        c.path("before_start").asBoolean(),
        c.path("already_ended").asBoolean());
  }

  @Override
  public SweepCanceled cancelSweep(String sweepId) {
    JsonNode c =
        client.post("/api/v1/sweeps/" + ServerClient.segment(sweepId) + "/cancel", Map.of());
    return new SweepCanceled(
        c.get("sweep_id").asString(),
        c.get("stopped").asInt(),
        c.get("not_started").asInt(),
        c.get("ended").asInt());
  }

  @Override
  public String promote(String runId, String artifactPath, String name) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("artifact_path", artifactPath);
    body.put("name", name);
    return client.post(ServerClient.runPath(runId, "assets"), body).get("run_id").asString();
  }

  /**
   * Each file streamed from the server into its place, checked against its SHA-256 (the server is
   * trusted with history, not with this machine's files).
   */
  @Override
  public void download(String runId, String artifact, Path dir, Consumer<Path> written) {
    List<Artifact> all = new ArrayList<>();
    for (JsonNode a : client.get(ServerClient.runPath(runId, "artifacts")).get("artifacts")) {
      all.add(
          new Artifact(
              a.get("path").asString(), a.get("size").asLong(), a.get("sha256").asString()));
    }
    for (Artifact a : Downloads.chosen(runId, all, artifact)) {
      Path target = Downloads.inside(dir, a.path(), runId);
      client.download(ServerClient.runPath(runId, "artifacts", a.path()), target, a.sha256());
      written.accept(target);
    }
  }

  @Override
  public Restored restore(String runId, Path dir) {
    JsonNode files = client.get(ServerClient.runPath(runId, "snapshot")).get("files");
    try {
      Files.createDirectories(dir);
      for (JsonNode f : files) {
        String path = f.get("path").asString();
        Path target = Downloads.inside(dir, path, runId);
        // The stored bytes, not the redacted view of aml_config/: the server gives them to the
        // run's submitter or an admin.
        client.download(
            ServerClient.runPath(runId, "snapshot", path) + "?original=true",
            target,
            f.get("sha256").asString());
        Files.setPosixFilePermissions(
            target,
            PosixFilePermissions.fromString(
                f.path("executable").asBoolean() ? "rwxr-xr-x" : "rw-r--r--"));
      }
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE, "cannot restore into " + dir + ": " + e.getMessage(), e);
    }
    return new Restored(runId, files.size());
  }

  @Override
  public void delete(List<String> runIds, Consumer<String> deleted) {
    for (String id : runIds) {
      client.delete(ServerClient.runPath(id));
      deleted.accept(id);
    }
  }
}
