package io.labrun.cli.remote;

import io.labrun.app.Downloads;
import io.labrun.app.Runs;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.finish.Cancellation;
import io.labrun.core.history.Artifact;
import io.labrun.core.run.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * {@link Runs} through a labrun server: the REST API, which shows runs as {@code RunView} does
 * here.
 */
public final class ServerRuns implements Runs {
  private final ServerClient client;

  public ServerRuns(Remote remote) {
    this.client = new ServerClient(remote);
  }

  @Override
  public Map<String, Object> info(String runId) {
    return ServerClient.JSON.convertValue(
        client.get(ServerClient.runPath(runId)),
        new TypeReference<LinkedHashMap<String, Object>>() {});
  }

  @Override
  public Map<String, Object> status(String runId) {
    return info(runId);
  }

  /**
   * Asks the server to cancel the run and waits (up to {@link Cancellation#WAIT}) for it to end, as
   * on this machine.
   */
  @Override
  public Canceled cancel(String runId) {
    JsonNode run = client.get(ServerClient.runPath(runId));
    String id = run.get("run_id").asString();
    if (isFinal(run.get("status").asString())) {
      return new Canceled(id, run.get("status").asString(), false, true);
    }
    boolean queued = run.get("status").asString().equals("Queued");
    JsonNode status = client.post(ServerClient.runPath(runId, "cancel"), Map.of());
    long deadline = System.nanoTime() + Cancellation.WAIT.toNanos();
    // The server records the end when the run's supervisor has stopped it; ask until then.
    while (!isFinal(status.get("status").asString())) {
      if (System.nanoTime() > deadline) {
        throw new LabrunException(
            ExitCode.TARGET_UNAVAILABLE,
            "run "
                + id
                + " did not stop within "
                + Cancellation.WAIT.toSeconds()
                + " s of being canceled; check it with 'labrun experiment status -r "
                + id
                + "'");
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LabrunException(
            ExitCode.TARGET_UNAVAILABLE,
            "stopped waiting for run "
                + id
                + " to end; check it with 'labrun experiment status -r "
                + id
                + "'");
      }
      status = client.get(ServerClient.runPath(runId));
    }
    String ended = status.get("status").asString();
    return new Canceled(id, ended, queued && ended.equals(RunStatus.CANCELED.display()), false);
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

  private static boolean isFinal(String status) {
    return RunStatus.parse(status).map(RunStatus::isFinal).orElse(false);
  }
}
