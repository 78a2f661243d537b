package io.labrun.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How to reach and log in to one host: where it is, who to be, with which key or password, and how
 * to judge its host key. The password is a supplier so that it is decrypted only while logging in,
 * and never held in a field of a long-lived object.
 *
 * @param target the name the user knows the host by (a compute target's name), for messages
 * @param host a host name, IP address or {@code ~/.ssh/config} alias
 * @param port null for the default (the alias's {@code Port}, else 22)
 * @param user null for the alias's {@code User}
 * @param keyFile a private key file, or null
 * @param password gives the password when one is used, else null
 * @param userHome the user's home: {@code ~/.ssh/config}, {@code ~/.ssh/known_hosts} and the
 *     default keys ({@code ~/.ssh/id_ed25519}, {@code id_ecdsa}, {@code id_rsa}) are read there
 * @param knownHosts labrun's own known hosts file, where accepted keys are recorded
 * @param hostKeys what to do with a host key that is not known yet
 * @param agent the socket of a running {@code ssh-agent} ({@code SSH_AUTH_SOCK}), or null: its keys
 *     are offered (only the one of {@code keyFile} when that is set), and a key file that is a
 *     public key or protected by a passphrase is signed with there
 * @param keyPassphrase gives the passphrase of {@code keyFile} when it has one and the agent does
 *     not hold it (asked at the terminal, or decrypted from labrun's secrets), else null; called at
 *     most once per connection
 */
public record SshSettings(
    String target,
    String host,
    Integer port,
    String user,
    Path keyFile,
    Supplier<char[]> password,
    Path userHome,
    Path knownHosts,
    HostKeyPolicy hostKeys,
    Duration connectTimeout,
    Duration authTimeout,
    Path agent,
    Supplier<char[]> keyPassphrase) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(20);

  public SshSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(hostKeys, "hostKeys");
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    authTimeout = authTimeout == null ? DEFAULT_AUTH_TIMEOUT : authTimeout;
  }

  /** Settings without an agent or a key passphrase. */
  public SshSettings(
      String target,
      String host,
      Integer port,
      String user,
      Path keyFile,
      Supplier<char[]> password,
      Path userHome,
      Path knownHosts,
      HostKeyPolicy hostKeys,
      Duration connectTimeout,
      Duration authTimeout) {
    this(
        target,
        host,
        port,
        user,
        keyFile,
        password,
        userHome,
        knownHosts,
        hostKeys,
        connectTimeout,
        authTimeout,
        null,
        null);
  }

  public SshSettings withHostKeys(HostKeyPolicy v) {
    return new SshSettings(
        target,
        host,
        port,
        user,
        keyFile,
        password,
        userHome,
        knownHosts,
        v,
        connectTimeout,
        authTimeout,
        agent,
        keyPassphrase);
  }

  public SshSettings withTimeouts(Duration connect, Duration auth) {
    return new SshSettings(
        target,
        host,
        port,
        user,
        keyFile,
        password,
        userHome,
        knownHosts,
        hostKeys,
        connect,
        auth,
        agent,
        keyPassphrase);
  }

  /** The same, with the {@code ssh-agent} at {@code socket} (null: none). */
  public SshSettings withAgent(Path socket) {
    return new SshSettings(
        target,
        host,
        port,
        user,
        keyFile,
        password,
        userHome,
        knownHosts,
        hostKeys,
        connectTimeout,
        authTimeout,
        socket,
        keyPassphrase);
  }

  /** The same, with {@code passphrase} giving the key file's passphrase (null: none). */
  public SshSettings withKeyPassphrase(Supplier<char[]> passphrase) {
    return new SshSettings(
        target,
        host,
        port,
        user,
        keyFile,
        password,
        userHome,
        knownHosts,
        hostKeys,
        connectTimeout,
        authTimeout,
        agent,
        passphrase);
  }

  /** {@code host} or {@code host:port}, for messages. */
  public String where() {
    return port == null || port == 22 ? host : host + ":" + port;
  }

  @Override
  public String toString() {
    return "SshSettings["
        + (user == null ? "" : user + "@")
        + where()
        + (keyFile == null ? "" : ", key " + keyFile)
        + (password == null ? "" : ", password")
        + (agent == null ? "" : ", agent " + agent)
        + "]"; // never a password or passphrase
  }
}
