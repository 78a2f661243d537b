package io.labrun.server;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.error.LabrunException;
import io.labrun.core.finish.UnusedObjects;
import io.labrun.core.history.ApiTokens.Role;
import io.labrun.core.history.ObjectStore.ContentMismatch;
import io.labrun.core.history.ObjectStore.OffsetMismatch;
import io.labrun.core.history.RunView;
import io.labrun.core.launch.Submitter;
import io.labrun.core.plan.SubmitRequest;
import io.labrun.core.project.Project;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.SnapshotEntry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs submitted through the server. A client asks which objects of its snapshot the server lacks
 * ({@code POST /api/v1/objects/missing}), uploads only those ({@code PUT /api/v1/objects/SHA}, each
 * checked against its hash and bounded in size), then submits the run ({@code POST /api/v1/runs})
 * naming the snapshot, a run configuration, the script and its arguments. The run is recorded
 * Queued and executed by the {@link RunQueue} on the project's target.
 */
final class SubmitApi {
  private static final int MAX_HASHES = 10_000;
  private final ServerSetup s;
  private final ServerConfig config;
  private final RunQueue queue;
  private final Workspaces workspaces;
  private final RunsApi runs;
  private final UnusedObjects unused;
  private final Auth auth;
  private final ObjectUploads uploads;

  SubmitApi(
      ServerSetup setup,
      ServerConfig config,
      RunQueue queue,
      Workspaces workspaces,
      RunsApi runs,
      UnusedObjects unused,
      Auth auth) {
    this.unused = unused;
    this.auth = auth;
    this.s = setup;
    this.config = config;
    this.queue = queue;
    this.workspaces = workspaces;
    this.runs = runs;
    this.uploads =
        new ObjectUploads(
            setup.objects(),
            setup.paths().dataDir().resolve("server").resolve("uploads"),
            setup.clock());
  }

  void routes(ApiRoutes r) {
    // Garbage collection waits while a submission names, uploads or records objects.
    r.post("/api/v1/objects/missing", Role.SUBMIT, ctx -> unused.using(() -> missing(ctx)));
    r.put("/api/v1/objects/{sha256}", Role.SUBMIT, ctx -> unused.using(() -> upload(ctx)));
    r.post("/api/v1/runs", Role.SUBMIT, ctx -> unused.using(() -> submit(ctx)));
    r.post("/api/v1/runs/{id}/cancel", Role.SUBMIT, this::cancel);
  }

  private void missing(Context ctx) throws IOException {
    Object given = body(ctx).get("hashes");
    if (!(given instanceof List<?> hashes) || hashes.size() > MAX_HASHES) {
      throw ApiError.badRequest(
          "send {\"hashes\": [...]}, at most " + MAX_HASHES + " SHA-256 hashes per request");
    }
    List<String> missing = new ArrayList<>();
    Map<String, Long> partial = new LinkedHashMap<>();
    for (Object h : hashes) {
      String sha = String.valueOf(h);
      if (!isSha256(sha)) {
        throw ApiError.badRequest("'" + sha + "' is not a SHA-256 (64 lowercase hex digits)");
      }
      if (!touched(sha)) { // touching fails for an object that is not there: one question
        missing.add(sha);
        long received = uploads.received(sha);
        if (received > 0) {
          partial.put(sha, received);
        }
      }
    }
    ctx.json(Map.of("missing", missing, "partial", partial));
  }

  /**
   * Marks a stored object as counted on by a client (garbage collection spares it a while); false
   * if it is not there (never stored, or removed meanwhile): the client uploads it.
   */
  private boolean touched(String sha) {
    try {
      s.objects().touch(sha);
      return true;
    } catch (IOException e) {
      return false; // removed meanwhile: the client uploads it again
    }
  }

  /**
   * Stores an uploaded file if it is what its name says: sent on as it arrives to a store that
   * streams uploads (S3, no size limit), else through a staging file of at most {@link
   * ServerConfig#maxObjectBytes} bytes, hashed on the way. {@code ?offset=N} continues an upload
   * that broke off after N bytes (the client learnt N from {@code /api/v1/objects/missing}): the
   * body is the rest; an N the server does not hold is refused (409, with what it holds).
   */
  private void upload(Context ctx) throws IOException {
    String sha = ctx.pathParam("sha256");
    if (!isSha256(sha)) {
      throw ApiError.badRequest("'" + sha + "' is not a SHA-256 (64 lowercase hex digits)");
    }
    long offset = offset(ctx);
    boolean streamed = s.objects().streamsUploads();
    long declared = ctx.req().getContentLengthLong();
    if (!streamed && offset + declared > config.maxObjectBytes()) {
      throw tooLarge("the file is " + (offset + declared) + " bytes");
    }
    if (s.objects().contains(sha)) {
      ctx.status(200).json(Map.of("sha256", sha, "stored", false));
      return;
    }
    try (InputStream in =
        new CheckedBody(ctx.bodyInputStream(), Auth.caller(ctx), streamed, offset)) {
      uploads.put(in, sha, offset);
    } catch (ContentMismatch e) {
      throw ApiError.badRequest(
          "the uploaded content hashes to " + e.actual() + ", not " + sha + "; upload it again");
    } catch (OffsetMismatch e) {
      throw new ApiError(
          409,
          "the server holds "
              + e.received()
              + " bytes of object "
              + sha
              + ", not "
              + offset
              + "; submit again to send the rest");
    } catch (IOException e) {
      if (!BrokenOff.in(e)) {
        throw e;
      }
      // Not a bug of the server: the sender went away; what arrived is kept for its next attempt.
      throw new ApiError(
          400,
          "the upload of object "
              + sha
              + " broke off ("
              + e.getMessage()
              + "); the server keeps "
              + uploads.received(sha)
              + " bytes of it: upload the rest with ?offset=N");
    }
    ctx.status(201).json(Map.of("sha256", sha, "stored", true));
  }

  private static long offset(Context ctx) {
    String given = ctx.queryParam("offset");
    if (given == null) {
      return 0;
    }
    try {
      long offset = Long.parseLong(given);
      if (offset >= 0) {
        return offset;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw ApiError.badRequest("offset must be a number of bytes (0 or more), got '" + given + "'");
  }

  private ApiError tooLarge(String what) {
    return new ApiError(
        413,
        what
            + "; this server keeps uploads on its disk and takes at most "
            + config.maxObjectBytes()
            + " bytes per file (labrun server --max-upload-mb), or store objects in S3"
            + " (--objects s3://...), which takes any size");
  }

  /** The upload's body broke off (its sender killed, its connection cut). */
  private static final class BrokenOff extends IOException {
    BrokenOff(IOException cause) {
      super(cause.getMessage(), cause);
    }

    static boolean in(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BrokenOff) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * An upload's body that stops when the caller's token is revoked meanwhile and, spooled to disk,
   * when it passes the size limit.
   */
  private final class CheckedBody extends FilterInputStream {
    private final Auth.Caller caller;
    private final boolean unbounded;
    private long total;

    CheckedBody(InputStream in, Auth.Caller caller, boolean unbounded, long before) {
      super(in);
      this.caller = caller;
      this.unbounded = unbounded;
      this.total = before;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (!auth.stillValid(caller)) {
        throw new ApiError(401, "the token was revoked during the upload");
      }
      int n;
      try {
        n = super.read(b, off, len);
      } catch (IOException e) {
        throw new BrokenOff(e);
      }
      total += Math.max(n, 0);
      if (!unbounded && total > config.maxObjectBytes()) {
        throw tooLarge("the file is larger than that");
      }
      return n;
    }
  }

  private void submit(Context ctx) {
    if (queue == null) {
      throw new ApiError(
          503, "this server shows history only; it was started without a run pipeline");
    }
    Map<String, Object> body = body(ctx);
    String experiment = text(body, "experiment");
    String snapshotId = text(body, "snapshot_id");
    if (!isSha256(snapshotId)) {
      throw ApiError.badRequest("snapshot_id must be the SHA-256 of the uploaded manifest");
    }
    if (!s.objects().contains(snapshotId)) {
      throw ApiError.badRequest(
          "snapshot " + snapshotId + " was not uploaded; send its manifest and files first");
    }
    Snapshot snapshot = workspaces.snapshot(snapshotId);
    long absent =
        snapshot.entries().stream()
            .map(SnapshotEntry::sha256)
            .distinct()
            .filter(h -> !s.objects().contains(h))
            .count();
    if (absent > 0) {
      throw ApiError.badRequest(
          absent
              + " files of snapshot "
              + snapshotId
              + " were not uploaded; ask /api/v1/objects/missing and upload them");
    }
    List<String> arguments = new ArrayList<>();
    if (body.get("arguments") instanceof List<?> list) {
      list.forEach(a -> arguments.add(String.valueOf(a)));
    }
    try (Workspaces.Lease lease = workspaces.use(snapshotId)) {
      Project project = workspaces.project(snapshot, experiment);
      SubmitRequest request =
          new SubmitRequest(
              project,
              text(body, "run_configuration"),
              text(body, "script"),
              arguments,
              Map.of(),
              null,
              null);
      ProjectConfigs configs = s.configs().apply(project);
      refuseWithoutLogin(configs, request.runConfiguration());
      Submitter submitter = s.pipeline().submitter(configs, RunEvents.NONE);
      String user = Auth.caller(ctx).name();
      Run run = queue.submit(submitter, request, snapshot, user);
      ctx.status(202).json(RunView.row(run, s.clock().instant()));
    }
  }

  /**
   * A target that needs a password the server does not have is refused now, in one line, rather
   * than failing the run later.
   */
  private void refuseWithoutLogin(ProjectConfigs configs, String runConfiguration) {
    String target;
    try {
      target = configs.runConfiguration(runConfiguration).value().target();
    } catch (LabrunException e) {
      return; // the submitter says what is wrong with the run configuration
    }
    if (target != null && configs.computeTargetNames().contains(target)) {
      String why = s.pipeline().cannotLogIn(configs.computeTarget(target).value());
      if (why != null) {
        throw ApiError.badRequest(why);
      }
    }
  }

  private void cancel(Context ctx) {
    if (queue == null) {
      throw new ApiError(503, "this server shows history only; it cannot cancel runs");
    }
    Run found = runs.run(ctx);
    Auth.requireOwnerOrAdmin(ctx, found, "cancel it");
    ctx.json(queue.cancel(found));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> body(Context ctx) {
    try {
      Object parsed = ctx.bodyAsClass(Map.class);
      if (parsed instanceof Map<?, ?> m) {
        return (Map<String, Object>) m;
      }
    } catch (RuntimeException e) {
      if (e instanceof HttpResponseException h) {
        throw new ApiError(
            h.getStatus(),
            "the request body is too large (at most "
                + ServerConfig.MAX_JSON_BYTES
                + " bytes of JSON)");
      }
    }
    throw ApiError.badRequest("the request body must be a JSON object");
  }

  static String text(Map<String, Object> body, String key) {
    Object v = body.get(key);
    if (!(v instanceof String t) || t.isBlank()) {
      throw ApiError.badRequest("'" + key + "' is required");
    }
    return t;
  }

  static boolean isSha256(String s) {
    return s != null
        && s.length() == 64
        && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
}
