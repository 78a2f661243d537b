package io.labrun.compute.cluster;

import io.labrun.ssh.HostSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The state folder of a run on a head node ({@code ~/.labrun/runs/<id>/}), read over the target's
 * SSH connection until the run has been collected, from the local state folder after that.
 */
final class HeadNodeFolder implements RunFolder {
  private final HostSession host;
  private final String runDir;
  private final Path stateDir;

  HeadNodeFolder(HostSession host, String runDir, Path stateDir) {
    this.host = host;
    this.runDir = runDir;
    this.stateDir = stateDir;
  }

  @Override
  public Optional<byte[]> read(String name) throws IOException {
    if (RunFolder.collected(stateDir)) {
      return RunFolder.local(stateDir).read(name);
    }
    return host.call((ssh, cache, lib) -> ssh.files().readAll(runDir + "/" + name));
  }

  @Override
  public Tail tail(String name, int max) throws IOException {
    if (RunFolder.collected(stateDir)) {
      return RunFolder.local(stateDir).tail(name, max);
    }
    return host.call(
        (ssh, cache, lib) -> {
          long start = Math.max(0, ssh.files().size(runDir + "/" + name) - max);
          return new Tail(ssh.files().read(runDir + "/" + name, start, max), start > 0);
        });
  }

  @Override
  public void keep(String name) throws IOException {
    Optional<byte[]> content =
        host.call((ssh, cache, lib) -> ssh.files().readAll(runDir + "/" + name));
    if (content.isPresent()) {
      Files.write(stateDir.resolve(name), content.get());
    }
  }
}
