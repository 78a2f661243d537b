package io.labrun.server;

import static io.labrun.core.history.RunView.fields;

import io.javalin.http.Context;
import io.labrun.app.LocalRuns;
import io.labrun.app.RunRecords;
import io.labrun.core.history.ApiTokens.Role;
import io.labrun.core.history.Artifact;
import io.labrun.core.history.RunView;
import io.labrun.core.run.Redaction;
import io.labrun.core.run.Run;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.SnapshotEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A run's artifacts and the files of its snapshot. A file is named by its path inside the run
 * ({@code outputs/model.pkl}) and found by that exact name in the run's records, never by resolving
 * it on a disk, so no name ({@code ../}, absolute, encoded) reaches another file; odd names are
 * refused before the lookup all the same. Contents are streamed from the object store and always
 * sent as downloads ({@code application/octet-stream}), so an HTML file a script wrote never runs
 * as a page of this server. The files of a snapshot's {@code aml_config/} are shown as {@link
 * Redaction#configText} redacts them; {@code ?original=true} gives the stored bytes to the run's
 * submitter or an admin ({@code history restore}).
 */
final class FilesApi {
  private static final int BUFFER = 64 * 1024;

  /** A configuration file larger than this is not shown redacted; its owner restores it instead. */
  static final int MAX_CONFIG_VIEW_BYTES = 4 << 20;

  private static final String CONFIG_FOLDER = "aml_config/";
  private final ServerSetup s;
  private final RunsApi runs;
  private final LocalRuns local;
  private final RunRecords records;
  private final Auth auth;

  FilesApi(ServerSetup setup, RunsApi runs, LocalRuns local, RunRecords records, Auth auth) {
    this.s = setup;
    this.runs = runs;
    this.local = local;
    this.records = records;
    this.auth = auth;
  }

  void routes(ApiRoutes r) {
    r.get(
        "/api/v1/runs/{id}/artifacts",
        Role.READ,
        ctx ->
            ctx.json(
                Map.of("artifacts", RunView.artifacts(records.artifacts(ctx.pathParam("id"))))));
    r.get("/api/v1/runs/{id}/artifacts/<path>", Role.READ, this::artifact);
    r.get("/api/v1/runs/{id}/snapshot", Role.READ, this::snapshotFiles);
    r.get("/api/v1/runs/{id}/snapshot/<path>", Role.READ, this::snapshotFile);
    r.post("/api/v1/runs/{id}/assets", Role.ADMIN, this::promote);
  }

  /** {@code history promote}: names an artifact of the run as an asset. */
  private void promote(Context ctx) {
    String runId = runs.run(ctx).id();
    Map<String, Object> body = SubmitApi.body(ctx);
    String path = checked(SubmitApi.text(body, "artifact_path"));
    String name = SubmitApi.text(body, "name").strip();
    if (name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
      throw ApiError.badRequest(
          "an asset name is at most 200 characters, without control characters");
    }
    String id = local.promote(runId, path, name);
    ctx.status(201).json(fields("run_id", id, "artifact_path", path, "name", name));
  }

  private void artifact(Context ctx) throws IOException {
    String runId = runs.run(ctx).id();
    String path = checked(ctx.pathParam("path"));
    Artifact a = records.artifact(runId, path);
    stream(ctx, a.sha256(), a.size(), path);
  }

  private void snapshotFiles(Context ctx) {
    Snapshot snapshot = records.snapshot(ctx.pathParam("id"));
    List<Map<String, Object>> files =
        snapshot.entries().stream()
            .map(
                e ->
                    fields(
                        "path",
                        e.path(),
                        "size",
                        e.size(),
                        "executable",
                        e.executable(),
                        "sha256",
                        e.sha256()))
            .toList();
    ctx.json(Map.of("snapshot_id", snapshot.id(), "files", files));
  }

  private void snapshotFile(Context ctx) throws IOException {
    Run run = runs.run(ctx);
    String path = checked(ctx.pathParam("path"));
    SnapshotEntry e =
        records
            .snapshot(run.id())
            .entry(path)
            .orElseThrow(
                () ->
                    ApiError.notFound("the snapshot of run " + run.id() + " has no file " + path));
    boolean original = "true".equals(ctx.queryParam("original"));
    if (original) {
      Auth.requireOwnerOrAdmin(
          ctx, run, "have its configuration files as they were (history restore)");
    }
    if (original || !path.startsWith(CONFIG_FOLDER)) {
      stream(ctx, e.sha256(), e.size(), path);
      return;
    }
    // A run configuration may hold secrets (environment variables, passwords in URLs): a view shows
    // them redacted.
    if (e.size() > MAX_CONFIG_VIEW_BYTES) {
      throw new ApiError(
          403,
          path
              + " is too large to be shown redacted; its submitter restores it with 'labrun history"
              + " restore'");
    }
    byte[] text;
    try (InputStream in = s.objects().open(e.sha256())) {
      text =
          Redaction.configText(new String(in.readAllBytes(), StandardCharsets.UTF_8))
              .getBytes(StandardCharsets.UTF_8);
    }
    attachment(ctx, path, text.length);
    ctx.result(text);
  }

  /**
   * Copies the object to the response in blocks: memory use does not grow with the file. A {@code
   * Range: bytes=N-} (or {@code N-M}) request gets just those bytes (206), so a client resumes a
   * cut download; any other range form is answered with the whole file, as HTTP allows.
   */
  private void stream(Context ctx, String sha256, long size, String path) throws IOException {
    attachment(ctx, path, size);
    ctx.header("Accept-Ranges", "bytes");
    long[] range = ByteRange.parse(ctx.header("Range"), size);
    if (range == null) {
      range = new long[] {0, size - 1};
    } else if (range.length == 0) {
      ctx.status(416);
      ctx.header("Content-Range", "bytes */" + size);
      ctx.res().setContentLengthLong(0);
      return;
    } else {
      ctx.status(206);
      ctx.header("Content-Range", "bytes " + range[0] + "-" + range[1] + "/" + size);
      ctx.res().setContentLengthLong(range[1] - range[0] + 1);
    }
    Auth.Caller caller = Auth.caller(ctx);
    try (InputStream in = s.objects().open(sha256, range[0])) {
      OutputStream out = ctx.outputStream();
      byte[] buf = new byte[BUFFER];
      long left = range[1] - range[0] + 1;
      int n;
      while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
        if (!auth.stillValid(caller)) {
          throw new IOException(
              "the token was revoked during the download"); // Jetty drops the connection
        }
        out.write(buf, 0, n);
        left -= n;
      }
      out.flush();
    }
  }

  private static void attachment(Context ctx, String path, long size) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    ctx.status(200);
    ctx.contentType("application/octet-stream");
    ctx.header(
        "Content-Disposition",
        "attachment; filename*=UTF-8''"
            + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
    ctx.res().setContentLengthLong(size);
  }

  /**
   * A relative path of plain segments: no {@code .} or {@code ..}, no empty segment, no leading
   * slash, no backslash or NUL. Jetty has decoded the URL once already; a name still holding a
   * percent-escape ({@code %2e%2e} sent as {@code %252e%252e}) is taken literally and simply not
   * found.
   */
  static String checked(String path) {
    if (path == null
        || path.isEmpty()
        || path.length() > 4096
        || path.startsWith("/")
        || path.indexOf('\\') >= 0
        || path.indexOf('\0') >= 0) {
      throw ApiError.badRequest("not a file path inside the run: '" + path + "'");
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw ApiError.badRequest("not a file path inside the run: '" + path + "'");
      }
    }
    return path;
  }
}
