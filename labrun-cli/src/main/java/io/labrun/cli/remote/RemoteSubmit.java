package io.labrun.cli.remote;

import io.labrun.cli.CliContext;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.cli.run.RunOutput;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.project.Project;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.SnapshotEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * {@code experiment submit} through a server: the project is snapshotted here (unchanged files are
 * not even read again), the server is asked which of its objects it lacks, only those are uploaded,
 * and the run is queued on the server, which executes it on the project's target. Then, unless
 * detached, its output is followed live as for a local run.
 */
public final class RemoteSubmit {
  private static final int HASHES_PER_ASK = 5_000;

  private RemoteSubmit() {}

  public static int submit(
      CliContext ctx,
      Remote remote,
      Project project,
      String runConfiguration,
      String script,
      List<String> args,
      boolean detach,
      OutputOptions output) {
    ServerClient client = new ServerClient(remote);
    Snapshot snapshot = ctx.wiring().snapshotter().take(project);
    int uploaded = upload(client, ctx.wiring().objects(), snapshot);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("experiment", project.name());
    body.put("snapshot_id", snapshot.id());
    body.put("run_configuration", runConfiguration);
    body.put("script", script);
    body.put("arguments", args);
    JsonNode run = client.post("/api/v1/runs", body);
    String runId = run.get("run_id").asString();
    if (detach) {
      ctx.out().println(runId);
      ctx.out().flush();
      return 0;
    }
    ctx.err()
        .println(
            "RunId: "
                + runId
                + " (queued on "
                + remote.url()
                + "; "
                + uploaded
                + " of "
                + (snapshot.entries().size() + 1)
                + " files uploaded)");
    ctx.err().flush();
    String status;
    try (var stopped =
        ctx.interrupts()
            .onStop(
                () -> {
                  ctx.err().println();
                  ctx.err()
                      .println(
                          "labrun: stopped watching; run "
                              + runId
                              + " goes on. Follow it with: labrun experiment logs -r "
                              + runId
                              + " --follow");
                  ctx.err().flush();
                })) {
      status = RemoteLogs.follow(ctx, client, runId);
    }
    Map<String, Object> info = RunOutput.shown(new ServerRuns(client.remote()).info(runId));
    if (output.json()) {
      new Output(ctx.out(), output).record(info);
    } else {
      summarize(ctx, info);
    }
    return "Completed".equals(status) ? 0 : ExitCode.RUN_FAILED.code();
  }

  /**
   * Sends the objects of the snapshot (and its manifest) the server does not have; returns how
   * many.
   */
  static int upload(ServerClient client, ObjectStore objects, Snapshot snapshot) {
    Set<String> hashes = new LinkedHashSet<>();
    for (SnapshotEntry e : snapshot.entries()) {
      hashes.add(e.sha256());
    }
    hashes.add(snapshot.id());
    List<String> all = new ArrayList<>(hashes);
    int sent = 0;
    for (int from = 0; from < all.size(); from += HASHES_PER_ASK) {
      JsonNode missing =
          client
              .post(
                  "/api/v1/objects/missing",
                  Map.of("hashes", all.subList(from, Math.min(all.size(), from + HASHES_PER_ASK))))
              .get("missing");
      for (JsonNode m : missing) {
        String sha = m.asString();
        long size;
        try {
          size = objects.size(sha);
        } catch (IOException e) {
          throw new LabrunException(
              ExitCode.STORE,
              "cannot read object " + sha + " of the snapshot: " + e.getMessage(),
              e);
        }
        client.put("/api/v1/objects/" + sha, () -> open(objects, sha), size);
        sent++;
      }
    }
    return sent;
  }

  private static InputStream open(ObjectStore objects, String sha) {
    try {
      return objects.open(sha);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void summarize(CliContext ctx, Map<String, Object> info) {
    var err = ctx.err();
    err.println(
        "Run "
            + info.get("run_id")
            + " "
            + info.get("status")
            + " in "
            + info.get("duration")
            + (info.get("status_detail") == null ? "" : " (" + info.get("status_detail") + ")"));
    if (info.get("metrics") instanceof Map<?, ?> metrics) {
      metrics.forEach(
          (name, m) -> err.println("  metric   " + name + " = " + ((Map<?, ?>) m).get("last")));
    }
    if (info.get("attachments") instanceof List<?> artifacts) {
      artifacts.forEach(
          a ->
              err.println(
                  "  artifact "
                      + ((Map<?, ?>) a).get("path")
                      + " ("
                      + ((Map<?, ?>) a).get("size")
                      + " B)"));
    }
    err.flush();
  }
}
