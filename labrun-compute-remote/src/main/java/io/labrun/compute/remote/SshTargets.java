package io.labrun.compute.remote;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import io.labrun.core.environment.CleanReport;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.secret.TargetPasswords;
import io.labrun.ssh.HostKeyPolicy;
import io.labrun.ssh.PassphrasePrompt;
import io.labrun.ssh.SshSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Makes the SSH compute targets ({@code remote}, {@code remotedocker}) and owns their connections:
 * one per host for the life of a labrun command, closed with it.
 */
public final class SshTargets implements AutoCloseable {
  /**
   * What the SSH targets need from this machine.
   *
   * @param paths labrun's folders here (known hosts)
   * @param userHome the user's home here ({@code ~/.ssh/config}, {@code known_hosts}, default keys)
   * @param passwords gives a target's password, only while logging in
   * @param objects the local object store the snapshots are in
   * @param pythonDir gives the folder of labrun's Python files (supervisor, logging packages)
   * @param environments where environment locks and build logs go ({@code remotedocker})
   * @param env labrun's environment: {@code PIP_*} options and {@code LABRUN_DOCKER_NETWORK}
   * @param prompt asks the person at the terminal about a new host key; null when nobody can answer
   * @param passphrasePrompt asks the person at the terminal for a key file's passphrase; null when
   *     nobody can answer
   */
  public record Settings(
      LabrunPaths paths,
      Path userHome,
      TargetPasswords passwords,
      ObjectStore objects,
      Supplier<Path> pythonDir,
      Path environments,
      Map<String, String> env,
      long logLimitBytes,
      HostKeyPolicy.HostKeyPrompt prompt,
      PassphrasePrompt passphrasePrompt) {

    /** The socket of the user's running ssh-agent ({@code SSH_AUTH_SOCK}), or null. */
    public Path agent() {
      String sock = env.get("SSH_AUTH_SOCK");
      return sock == null || sock.isBlank() ? null : Path.of(sock.strip());
    }

    /** The network mode of containers and builds: {@code LABRUN_DOCKER_NETWORK}, else the engine's default. */
    public String network() {
      String n = env.get("LABRUN_DOCKER_NETWORK");
      return n == null || n.isBlank() ? null : n.trim();
    }
  }

  private final Settings settings;
  private final Map<String, HostSession> sessions = new HashMap<>();
  private final Map<Path, KeyPassphrase> passphrases = new HashMap<>();

  public SshTargets(Settings settings) {
    this.settings = settings;
  }

  public ComputeTarget forSpec(ComputeTargetSpec spec) {
    if (spec.address() == null || spec.address().isBlank()) {
      throw LabrunException.badInput("aml_config/" + spec.name() + ".compute has no address: the host to reach over SSH");
    }
    HostSession host = session(spec);
    if (spec.type().equals(TargetType.REMOTE)) {
      host.prefetch(); // connect while the project is snapshotted
      return new RemoteTarget(spec, host, settings.objects(), settings.logLimitBytes());
    }
    if (spec.type().equals(TargetType.REMOTE_DOCKER)) {
      host.prefetch();
      return new RemoteDockerTarget(spec, host, settings.objects(), settings);
    }
    throw LabrunException.badInput("compute target '" + spec.name() + "' is of type " + spec.type().configName()
        + ", which this labrun cannot run yet; use a remote target");
  }

  /** How to reach the host of {@code spec}, as written in its {@code .compute} file. */
  public SshSettings settings(ComputeTargetSpec spec, HostKeyPolicy policy) {
    Path key = null;
    if (spec.sshKeyFile() != null && !spec.sshKeyFile().isBlank()) {
      String k = spec.sshKeyFile();
      key = k.startsWith("~/") ? settings.userHome().resolve(k.substring(2)) : Path.of(k);
    }
    Supplier<char[]> password = spec.hasPassword() ? () -> settings.passwords().password(spec) : null;
    return new SshSettings(spec.name(), spec.address(), spec.port(), spec.username(), key, password, settings.userHome(), settings.paths().knownHosts(), policy, null, null,
        settings.agent(), key == null ? null : passphrase(key));
  }

  /** One passphrase source per key file, so that a command asks for it at most once. */
  private synchronized KeyPassphrase passphrase(Path key) {
    return passphrases.computeIfAbsent(key, k -> new KeyPassphrase(k, settings.env(), settings.passphrasePrompt()));
  }

  /**
   * Frees what labrun keeps on the host of {@code spec} ({@code labrun experiment clean}): its
   * object cache and the folders of runs that are over, and for {@code remotedocker} its stopped
   * run containers and environment images (found by their labrun label; images in use are kept).
   */
  public CleanReport clean(ComputeTargetSpec spec) {
    try {
      return session(spec).call((ssh, cache, lib) -> {
        String where = ssh.settings().where();
        CleanReport report = CleanReport.empty();
        if (spec.type().equals(TargetType.REMOTE_DOCKER)) {
          report = report.plus(new RemoteDocker(ssh).clean());
        }
        var r = cache.helper(lib, java.util.List.of("gc"), null);
        io.labrun.ssh.HostCache.check(r, "clean labrun's cache");
        String[] freed = r.out().strip().split(" ");
        return report.plus(new CleanReport(java.util.List.of("labrun's object cache and " + freed[1] + " finished run folders on " + where),
            java.util.List.of(), Long.parseLong(freed[0])));
      });
    } catch (IOException e) {
      throw RemoteTarget.unreachable(e);
    }
  }

  /** Who to ask about a new host key, or null when nobody can be asked. */
  public HostKeyPolicy.HostKeyPrompt prompt() {
    return settings.prompt();
  }

  /** The {@code remote} target on the host of {@code spec}: what a {@code cluster} target with an address runs through. */
  public RemoteTarget remote(ComputeTargetSpec spec) {
    HostSession host = session(spec);
    host.prefetch();
    return new RemoteTarget(spec, host, settings.objects(), settings.logLimitBytes());
  }

  /** The connection of this command to the host of {@code spec}. */
  public synchronized HostSession session(ComputeTargetSpec spec) {
    String key = spec.username() + "@" + spec.address() + ":" + spec.port() + "/" + spec.sshKeyFile() + "/" + spec.python();
    return sessions.computeIfAbsent(key, k -> new HostSession(
        settings(spec, HostKeyPolicy.strict(spec.hostKeyFingerprint()).withPrompt(settings.prompt())), spec.python(), this::pythonFiles));
  }

  /** labrun's Python files by relative path, to be copied to a host. */
  private Map<String, byte[]> pythonFiles() {
    Path dir = settings.pythonDir().get();
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".py")).sorted().toList()) {
        files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read labrun's Python files in " + dir, e);
    }
    return files;
  }

  @Override
  public synchronized void close() {
    sessions.values().forEach(HostSession::close);
    sessions.clear();
    passphrases.values().forEach(KeyPassphrase::forget);
    passphrases.clear();
  }
}
