package io.labrun.ssh;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.launch.TargetContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The connections of one assembly (a labrun command) to the hosts its targets reach over SSH: one
 * per host, shared by every target that reaches it (a {@code remote} target, a cluster's head
 * node), closed with the assembly.
 */
public final class HostSessions implements AutoCloseable {
  private final TargetContext context;
  private final Path userHome;
  private final Map<String, HostSession> sessions = new HashMap<>();
  private final Map<Path, KeyPassphrase> passphrases = new HashMap<>();

  private HostSessions(TargetContext context) {
    this.context = context;
    this.userHome = Path.of(context.env().getOrDefault("HOME", System.getProperty("user.home")));
  }

  /** The connections of {@code context}, made on first use. */
  public static HostSessions of(TargetContext context) {
    return context.shared(HostSessions.class, HostSessions::new);
  }

  /** The user's home here ({@code ~/.ssh/config}, {@code known_hosts}, default keys). */
  public Path userHome() {
    return userHome;
  }

  /** Who to ask about a new host key, or null when nobody can be asked. */
  public HostKeyPolicy.HostKeyPrompt prompt() {
    return context.offered(HostKeyPolicy.HostKeyPrompt.class).orElse(null);
  }

  /** How to reach the host of {@code spec}, as written in its {@code .compute} file. */
  public SshSettings settings(ComputeTargetSpec spec, HostKeyPolicy policy) {
    Path key = null;
    if (spec.sshKeyFile() != null && !spec.sshKeyFile().isBlank()) {
      String k = spec.sshKeyFile();
      key = k.startsWith("~/") ? userHome.resolve(k.substring(2)) : Path.of(k);
    }
    Supplier<char[]> password =
        spec.hasPassword() ? () -> context.passwords().password(spec) : null;
    return new SshSettings(
        spec.name(),
        spec.address(),
        spec.port(),
        spec.username(),
        key,
        password,
        userHome,
        context.paths().knownHosts(),
        policy,
        null,
        null,
        agent(),
        key == null ? null : passphrase(key));
  }

  /** The socket of the user's running ssh-agent ({@code SSH_AUTH_SOCK}), or null. */
  private Path agent() {
    String sock = context.env().get("SSH_AUTH_SOCK");
    return sock == null || sock.isBlank() ? null : Path.of(sock.strip());
  }

  /** One passphrase source per key file, so that a command asks for it at most once. */
  private synchronized KeyPassphrase passphrase(Path key) {
    return passphrases.computeIfAbsent(
        key,
        k ->
            new KeyPassphrase(
                k, context.env(), context.offered(PassphrasePrompt.class).orElse(null)));
  }

  /** The connection of this assembly to the host of {@code spec}. */
  public synchronized HostSession session(ComputeTargetSpec spec) {
    String key =
        spec.username()
            + "@"
            + spec.address()
            + ":"
            + spec.port()
            + "/"
            + spec.sshKeyFile()
            + "/"
            + spec.python();
    return sessions.computeIfAbsent(
        key,
        k ->
            new HostSession(
                settings(
                    spec, HostKeyPolicy.strict(spec.hostKeyFingerprint()).withPrompt(prompt())),
                spec.python(),
                this::pythonFiles));
  }

  /** labrun's Python files by relative path, to be copied to a host. */
  private Map<String, byte[]> pythonFiles() {
    Path dir = context.python().pythonPath();
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p :
          walk.filter(Files::isRegularFile)
              .filter(p -> p.toString().endsWith(".py"))
              .sorted()
              .toList()) {
        files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read labrun's Python files in " + dir, e);
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
