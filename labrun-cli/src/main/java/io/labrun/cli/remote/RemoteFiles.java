package io.labrun.cli.remote;

import io.labrun.cli.CliContext;
import io.labrun.cli.run.HistoryCommand;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.Artifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code history download} and {@code history restore} through a server: each file streamed from
 * the server into its place, checked against its SHA-256, and refused when its name would leave
 * the folder (the server is trusted with history, not with this machine's files).
 */
public final class RemoteFiles {
  private RemoteFiles() {}

  public static void download(CliContext ctx, Remote remote, String runId, String artifact, Path dir) {
    ServerClient client = new ServerClient(remote);
    List<Artifact> all = new ArrayList<>();
    for (JsonNode a : client.get(ServerClient.runPath(runId, "artifacts")).get("artifacts")) {
      all.add(new Artifact(a.get("path").asString(), a.get("size").asLong(), a.get("sha256").asString()));
    }
    for (Artifact a : HistoryCommand.Download.chosen(runId, all, artifact)) {
      Path target = HistoryCommand.Download.inside(dir, a.path(), runId);
      client.download(ServerClient.runPath(runId, "artifacts", a.path()), target, a.sha256());
      ctx.out().println(target);
    }
    ctx.out().flush();
  }

  /** The run's snapshot, file by file, into {@code dir} (new or empty), with each file's mode. */
  public static void restore(CliContext ctx, Remote remote, String runId, Path dir) {
    ServerClient client = new ServerClient(remote);
    JsonNode files = client.get(ServerClient.runPath(runId, "snapshot")).get("files");
    try {
      Files.createDirectories(dir);
      for (JsonNode f : files) {
        String path = f.get("path").asString();
        Path target = HistoryCommand.Download.inside(dir, path, runId);
        // The stored bytes, not the redacted view of aml_config/: the server gives them to the run's submitter or an admin.
        client.download(ServerClient.runPath(runId, "snapshot", path) + "?original=true", target, f.get("sha256").asString());
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(f.path("executable").asBoolean() ? "rwxr-xr-x" : "rw-r--r--"));
      }
    } catch (IOException e) {
      throw new LabrunException(ExitCode.STORE, "cannot restore into " + dir + ": " + e.getMessage(), e);
    }
    ctx.out().println("Restored " + files.size() + " files of run " + runId + " into " + dir);
    ctx.out().flush();
  }
}
