package io.labrun.compute.slurm;

import io.labrun.core.launch.Execution;
import io.labrun.core.supervisor.ExitRecord;
import io.labrun.core.supervisor.ExitRecords;
import io.labrun.core.supervisor.StateFolder;
import io.labrun.ssh.HostSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state folder of a run on the login node ({@code ~/.labrun/runs/<id>/}, on the shared file
 * system the compute nodes write). Reading its output, collecting it and removing it are the {@code
 * remote} target's ({@code files}: that target's view of the same folder); only the exit record is
 * read here, since whether the run goes on is Slurm's to say, not a login-node process's.
 */
final class LoginNodeFolder implements JobFolder {
  private final Execution files;
  private final HostSession host;
  private final String runDir;
  private final Path stateDir;
  private final String elsewhere;

  /**
   * @param elsewhere the folder under the target's workFolder that {@code runDir} links to, or null
   */
  LoginNodeFolder(
      Execution files, HostSession host, String runDir, Path stateDir, String elsewhere) {
    this.files = files;
    this.host = host;
    this.runDir = runDir;
    this.stateDir = stateDir;
    this.elsewhere = elsewhere;
  }

  @Override
  public byte[] readOutput(long offset, int max) throws IOException {
    return files.readOutput(offset, max);
  }

  @Override
  public Optional<ExitRecord> exit() throws IOException {
    if (files.writesLocalOutput()) { // collected: the record is here
      return StateFolder.readExit(stateDir);
    }
    Optional<byte[]> json =
        host.call((ssh, cache, lib) -> ssh.files().readAll(runDir + "/" + StateFolder.EXIT));
    return json.map(b -> ExitRecords.parse(new String(b, StandardCharsets.UTF_8)));
  }

  @Override
  public Execution.Collected collect(Path scratch) throws IOException {
    return files.collect(scratch);
  }

  @Override
  public void remove() throws IOException {
    if (elsewhere != null
        && files.writesLocalOutput()) { // collected: the folder the link points to goes too
      List<String> rm =
          List.of(
              "sh", "-c", "nohup rm -rf -- \"$1\" </dev/null >/dev/null 2>&1 &", "sh", elsewhere);
      host.call((ssh, cache, lib) -> ssh.run(rm, null, Duration.ofMinutes(1)));
    }
    files.cleanUp();
  }

  @Override
  public boolean writesLocalOutput() {
    return files.writesLocalOutput();
  }

  @Override
  public Map<String, String> attributes() {
    return files.attributes();
  }
}
