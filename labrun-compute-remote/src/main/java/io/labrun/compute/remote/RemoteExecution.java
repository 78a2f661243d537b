package io.labrun.compute.remote;

import io.labrun.core.home.Folders;
import io.labrun.core.launch.Execution;
import io.labrun.core.supervisor.ExitRecord;
import io.labrun.core.supervisor.ExitRecords;
import io.labrun.core.supervisor.StateFolder;
import io.labrun.ssh.HostCache;
import io.labrun.ssh.HostSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A run on a host over SSH, seen through its supervisor's state folder there ({@code
 * ~/.labrun/runs/<id>/}). Output is read by byte offset over SFTP; once the run has ended and been
 * collected, the output log and exit record are in the local state folder and read from there.
 */
final class RemoteExecution implements Execution {
  private static final long ALIVE_CHECK_NANOS = 2_000_000_000L;
  private final HostSession host;
  private final String runDir;
  private final Path stateDir;
  private final HostCache.SyncReport sync;
  private final Supervision supervision;
  private long lastAliveCheck = System.nanoTime();

  RemoteExecution(
      HostSession host,
      String runDir,
      Path stateDir,
      HostCache.SyncReport sync,
      Supervision supervision) {
    this.supervision = supervision;
    this.host = host;
    this.runDir = runDir;
    this.stateDir = stateDir;
    this.sync = sync;
  }

  @Override
  public Map<String, String> attributes() {
    Map<String, String> a = new LinkedHashMap<>();
    var s = host.settings();
    a.put("host", (s.user() == null ? "" : s.user() + "@") + s.where());
    a.put("remote_run_dir", "~/" + runDir);
    if (sync != null) {
      a.put("sync_objects_sent", Integer.toString(sync.objectsSent()));
      a.put("sync_bytes_sent", Long.toString(sync.contentBytesSent()));
    }
    return a;
  }

  @Override
  public byte[] readOutput(long offset, int max) throws IOException {
    byte[] buf;
    if (collected()) {
      buf = StateFolder.readOutput(stateDir, offset, max);
    } else {
      buf =
          host.call(
              (ssh, cache, lib) ->
                  ssh.files().read(runDir + "/" + StateFolder.OUTPUT_LOG, offset, max));
    }
    int end = buf.length;
    while (end > 0 && buf[end - 1] != '\n') {
      end--; // whole records only
    }
    return end == buf.length ? buf : Arrays.copyOf(buf, end);
  }

  @Override
  public boolean writesLocalOutput() {
    return collected();
  }

  @Override
  public Optional<ExitRecord> poll() throws IOException {
    if (collected()) {
      return Optional.of(ExitRecords.parse(Files.readString(stateDir.resolve(StateFolder.EXIT))));
    }
    Optional<ExitRecord> exit = remoteExit();
    if (exit.isPresent() || System.nanoTime() - lastAliveCheck < ALIVE_CHECK_NANOS) {
      return exit;
    }
    lastAliveCheck = System.nanoTime();
    if (host.call(supervision::alive)) {
      return Optional.empty();
    }
    exit = remoteExit(); // it may have written the record just before ending
    return exit.isPresent()
        ? exit
        : Optional.of(
            ExitRecord.lost(
                Instant.now(),
                "the supervisor of the run on "
                    + host.settings().where()
                    + " is gone without recording how the script ended (the host restarted?)"));
  }

  private Optional<ExitRecord> remoteExit() throws IOException {
    Optional<byte[]> json =
        host.call((ssh, cache, lib) -> ssh.files().readAll(runDir + "/" + StateFolder.EXIT));
    return json.map(b -> ExitRecords.parse(new String(b, StandardCharsets.UTF_8)));
  }

  @Override
  public void cancel() throws IOException {
    if (collected()) {
      return;
    }
    host.call(
        (ssh, cache, lib) -> {
          supervision.cancel(ssh, cache, lib);
          return null;
        });
  }

  /**
   * Copies the run's {@code ./outputs} and metrics into {@code scratch}, and its whole output log
   * and exit record into the local state folder (the exit record last: it marks the run collected).
   */
  @Override
  public Collected collect(Path scratch) throws IOException {
    Path outputs = scratch.resolve(StateFolder.OUTPUTS);
    Path metrics = scratch.resolve(StateFolder.METRICS);
    if (!collected()) {
      host.call(
          (ssh, cache, lib) -> {
            var f = ssh.files();
            Folders.delete(scratch);
            f.download(runDir + "/work/" + StateFolder.OUTPUTS, outputs);
            f.download(runDir + "/" + StateFolder.METRICS, metrics);
            Files.createDirectories(stateDir);
            byte[] exit =
                f.readAll(runDir + "/" + StateFolder.EXIT)
                    .orElseThrow(() -> new IOException("the run has no exit record yet"));
            Files.write(
                stateDir.resolve(StateFolder.OUTPUT_LOG),
                f.readAll(runDir + "/" + StateFolder.OUTPUT_LOG).orElse(new byte[0]));
            Path tmp = stateDir.resolve(StateFolder.EXIT + ".tmp");
            Files.write(tmp, exit);
            Files.move(
                tmp,
                stateDir.resolve(StateFolder.EXIT),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
            return null;
          });
    }
    return new Collected(outputs, metrics);
  }

  /** Removes the run's folder on the host once its results are here. */
  @Override
  public void cleanUp() throws IOException {
    if (!collected()) {
      return;
    }
    host.call(
        (ssh, cache, lib) -> {
          supervision.remove(ssh, cache, lib);
          return null;
        });
  }

  private boolean collected() {
    return Files.isRegularFile(stateDir.resolve(StateFolder.EXIT));
  }
}
