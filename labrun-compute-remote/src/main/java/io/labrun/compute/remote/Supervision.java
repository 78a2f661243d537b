package io.labrun.compute.remote;

import io.labrun.ssh.HostCache;
import io.labrun.ssh.SshConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * How a run's supervisor lives on a host: as a detached process ({@code remote}) or in a container
 * ({@code remotedocker}). The state folder, and so reading output and the exit record, is the same.
 */
interface Supervision {
  /** True while the supervisor runs. */
  boolean alive(SshConnection ssh, HostCache cache, String lib) throws IOException;

  /** Asks it to stop (SIGTERM: it stops the script's processes and records the cancel). */
  void cancel(SshConnection ssh, HostCache cache, String lib) throws IOException;

  /** Frees what the run held on the host, its folder included; it is over and collected. */
  void remove(SshConnection ssh, HostCache cache, String lib) throws IOException;

  /** The supervisor as a detached process of the host, started by labrun_remote.py. */
  static Supervision process(String runDir) {
    return new Supervision() {
      @Override
      public boolean alive(SshConnection ssh, HostCache cache, String lib) throws IOException {
        SshConnection.Result r = cache.helper(lib, List.of("alive", runDir), null);
        HostCache.check(r, "check the run's supervisor");
        return r.out().strip().equals("alive");
      }

      @Override
      public void cancel(SshConnection ssh, HostCache cache, String lib) throws IOException {
        HostCache.check(cache.helper(lib, List.of("cancel", runDir), null), "cancel the run");
      }

      @Override
      public void remove(SshConnection ssh, HostCache cache, String lib) throws IOException {
        removeInBackground(ssh, runDir);
      }
    };
  }

  /** The supervisor in the container {@code name} of the host's Docker engine. */
  static Supervision container(String runDir, String name) {
    return new Supervision() {
      @Override
      public boolean alive(SshConnection ssh, HostCache cache, String lib) throws IOException {
        SshConnection.Result r =
            ssh.run(
                List.of("docker", "inspect", "--format", "{{.State.Running}}", name),
                null,
                Duration.ofMinutes(1));
        return r.exitCode() == 0
            && r.out().strip().equals("true"); // a container that is gone is not alive
      }

      @Override
      public void cancel(SshConnection ssh, HostCache cache, String lib) throws IOException {
        ssh.run(
            List.of("docker", "kill", "--signal", "TERM", name),
            null,
            Duration.ofMinutes(1)); // fails only if it has ended
      }

      @Override
      public void remove(SshConnection ssh, HostCache cache, String lib) throws IOException {
        ssh.run(List.of("docker", "rm", "--force", name), null, Duration.ofMinutes(1));
        removeInBackground(ssh, runDir);
      }
    };
  }

  /**
   * Removes a run folder in the background on the host (a large working folder takes a while and
   * nobody waits for it); {@code rm}, not the helper, to spare a Python start. {@code runDir} is an
   * argument of the script, never part of it.
   */
  private static void removeInBackground(SshConnection ssh, String runDir) throws IOException {
    List<String> rm =
        List.of("sh", "-c", "nohup rm -rf -- \"$1\" </dev/null >/dev/null 2>&1 &", "sh", runDir);
    HostCache.check(ssh.run(rm, null, Duration.ofMinutes(1)), "remove the run's folder");
  }
}
