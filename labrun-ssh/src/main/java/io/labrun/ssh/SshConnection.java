package io.labrun.ssh;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.ConfigFileHostEntryResolver;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * One SSH connection to a host, with its host key verified and its user logged in. Every command
 * and file transfer of a labrun command goes over it as a channel of its own: one connection per
 * submit. Errors a user can fix become one-line {@link LabrunException}s with {@link
 * ExitCode#TARGET_UNAVAILABLE}; failures of an established connection are {@link IOException}s, so
 * callers can reconnect.
 */
public final class SshConnection implements AutoCloseable {
  private static final AttributeRepository.AttributeKey<HostKeyCheck> CHECK =
      new AttributeRepository.AttributeKey<>();
  private static final Duration RUNNER_START_TIMEOUT = Duration.ofMinutes(1);
  private static SshClient client;

  private final SshSettings settings;
  private final ClientSession session;
  private final PublicKey hostKey;
  private final String keyHost;
  private final int keyPort;
  private final Map<String, String> facts = new ConcurrentHashMap<>();
  private RemoteFiles files;
  private HostKeyCheck keyCheck;
  private String runnerPython;
  private RemoteRunner runner;
  private boolean runnerFailed;
  private final List<Setup> setups = new ArrayList<>();

  private SshConnection(
      SshSettings settings, ClientSession session, PublicKey hostKey, String keyHost, int keyPort) {
    this.settings = settings;
    this.session = session;
    this.hostKey = hostKey;
    this.keyHost = keyHost;
    this.keyPort = keyPort;
  }

  /** Connects, verifies the host key and logs in. */
  public static SshConnection open(SshSettings settings) {
    return connect(settings, true);
  }

  /**
   * Connects and verifies the host key without logging in (for a key the host does not know yet, as
   * with {@code attach --generate-ssh-key}); returns the key's fingerprint.
   */
  public static String checkHostKey(SshSettings settings) {
    try (SshConnection c = openWithoutLogin(settings)) {
      return c.hostKeyFingerprint();
    }
  }

  /** Connects and verifies the host key without logging in; nothing but the key can be used. */
  public static SshConnection openWithoutLogin(SshSettings settings) {
    return connect(settings, false);
  }

  private static SshConnection connect(SshSettings settings, boolean login) {
    HostConfigEntry entry = resolve(settings);
    HostKeyCheck check = new HostKeyCheck(settings, entry.getHostName(), entry.getPort());
    LoginKeys keys =
        login
            ? LoginKeys.of(settings, settings.keyFile() == null && entry.getIdentities().isEmpty())
            : null;
    Map<AttributeRepository.AttributeKey<?>, Object> context = new HashMap<>();
    context.put(CHECK, check);
    if (keys != null && keys.agent() != null) {
      context.put(UnixAgent.Use.KEY, keys.agent());
      entry.setIdentitiesOnly(
          false); // MINA asks the agent only for sessions that may use more than their named keys
    }
    ClientSession session = null;
    long t = SshTrace.start();
    try {
      SshClient c = client();
      SshTrace.done("client started", t);
      t = SshTrace.start();
      session =
          c.connect(entry, AttributeRepository.ofAttributesMap(context), null)
              .verify(settings.connectTimeout())
              .getSession();
      Set<ClientSessionEvent> state =
          session.waitFor(
              EnumSet.of(ClientSessionEvent.WAIT_AUTH, ClientSessionEvent.CLOSED),
              settings.authTimeout());
      if (check.refusal() != null || state.contains(ClientSessionEvent.CLOSED)) {
        throw SshFailures.hostKey(settings, check);
      }
      SshTrace.done("connected, host key checked", t);
      t = SshTrace.start();
      if (login) {
        addIdentities(session, settings, keys);
        session.auth().verify(settings.authTimeout());
        SshTrace.done("logged in", t);
      }
      SshConnection opened =
          new SshConnection(settings, session, check.seen(), entry.getHostName(), entry.getPort());
      opened.keyCheck = check;
      return opened;
    } catch (LabrunException e) {
      closeQuietly(session);
      throw e;
    } catch (IOException | RuntimeException e) {
      closeQuietly(session);
      if (check.refusal() != null) {
        throw SshFailures.hostKey(settings, check);
      }
      throw SshFailures.connect(settings, entry, e);
    }
  }

  /**
   * The host, port and user to use, after {@code ~/.ssh/config} (HostName, Port, User,
   * IdentityFile).
   */
  private static HostConfigEntry resolve(SshSettings s) {
    HostConfigEntry entry = null;
    Path config = s.userHome() == null ? null : s.userHome().resolve(".ssh/config");
    if (config != null && Files.isRegularFile(config)) {
      try {
        entry =
            new ConfigFileHostEntryResolver(config)
                .resolveEffectiveHost(
                    s.host(), s.port() == null ? -1 : s.port(), null, s.user(), null, null);
      } catch (IOException | RuntimeException e) {
        throw new LabrunException(
            ExitCode.BAD_INPUT, "cannot read " + config + ": " + SshFailures.reason(e), e);
      }
    }
    if (entry == null) {
      entry = new HostConfigEntry(s.host(), s.host(), s.port() == null ? 22 : s.port(), s.user());
    }
    if (s.port() != null) {
      entry.setPort(s.port());
    }
    if (entry.getPort() <= 0) {
      entry.setPort(22);
    }
    if (s.user() != null) {
      entry.setUsername(s.user());
    }
    if (entry.getUsername() == null || entry.getUsername().isBlank()) {
      throw LabrunException.badInput(
          "no user name for " + s.where() + ": set username in the target's .compute file");
    }
    if (s.keyFile() != null || s.password() != null) {
      entry.setIdentities(
          List.of()); // the target says how to log in; ~/.ssh/config's keys are not tried on top
    }
    return entry;
  }

  private static void addIdentities(ClientSession session, SshSettings s, LoginKeys keys) {
    if (s.password() != null) {
      char[] pw = s.password().get();
      try {
        session.addPasswordIdentity(new String(pw));
      } finally {
        Arrays.fill(pw, '\0');
      }
      return;
    }
    keys.keys().forEach(session::addPublicKeyIdentity);
  }

  private static synchronized SshClient client() {
    if (client == null) {
      SshClient c = SshClient.setUpDefaultClient();
      c.setServerKeyVerifier(
          (session, address, key) -> {
            HostKeyCheck check =
                session.getConnectionContext() == null
                    ? null
                    : session.getConnectionContext().getAttribute(CHECK);
            return check != null && check.verifyServerKey(session, address, key);
          });
      c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
      c.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
      c.setAgentFactory(
          new UnixAgent.Factory()); // used only by connections opened with an agent (see LoginKeys)
      c.setUserInteraction(null);
      // A dead network shows as a failed keep-alive rather than a read that never returns.
      CoreModuleProperties.HEARTBEAT_INTERVAL.set(c, Duration.ofSeconds(10));
      CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(c, Duration.ofSeconds(10));
      CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(c, 3);
      // Without it, Nagle's algorithm holds each small SSH packet that follows another until the
      // host's delayed ACK (40 ms on Linux): every command, SFTP read and keep-alive paid ~45 ms.
      CoreModuleProperties.TCP_NODELAY.set(c, true);
      c.start();
      client = c;
    }
    return client;
  }

  /** What a command printed and how it ended. */
  public record Result(int exitCode, byte[] stdout, byte[] stderr) {
    public String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    public String err() {
      return new String(stderr, StandardCharsets.UTF_8);
    }
  }

  /**
   * Runs {@code argv} on the host, feeding it {@code stdin} (may be null). With a runner (see
   * {@link #useRunner}) it is the runner's child and no shell reads it; else an exec request of its
   * own, every word quoted.
   */
  public Result run(List<String> argv, InputStream stdin, Duration timeout) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = stream(argv, stdin, out, err, timeout);
    return new Result(code, out.toByteArray(), err.toByteArray());
  }

  /** Runs {@code argv} as {@link #run} does, streaming its output; returns its exit code. */
  public int stream(
      List<String> argv, InputStream stdin, OutputStream out, OutputStream err, Duration timeout)
      throws IOException {
    RemoteRunner r = runner(timeout);
    runSetups();
    if (r != null) {
      long t = SshTrace.start();
      Integer code = r.run(argv, stdin, out, err, timeout, settings.where());
      if (code != null) {
        SshTrace.done("runner: " + traced(String.join(" ", argv)), t);
        return code;
      }
    }
    return exec(Shell.command(argv), stdin, out, err, timeout);
  }

  /**
   * Lets later commands of this connection go through labrun's runner on the host, started with
   * {@code python} on first use: the host's login shell then starts once for this connection, not
   * once per command. The runner's environment is the one that shell gives, as each command's was.
   */
  public synchronized void useRunner(String python) {
    if (runnerPython == null) {
      runnerPython = python;
    }
  }

  /**
   * Starts labrun's runner now, when this connection uses one (see {@link #useRunner}), and does
   * what must precede its first command ({@link #beforeCommands}).
   */
  public void startRunner() throws IOException {
    runner(RUNNER_START_TIMEOUT);
    runSetups();
  }

  /** Something to do on the host before this connection's first command. */
  public interface Setup {
    void run() throws IOException;
  }

  /**
   * Has {@code setup} done before the first command of this connection (before the next one, if
   * commands have run), once: files that only commands use are checked then, over the runner's
   * channel, and not by a connection that only reads files.
   */
  public synchronized void beforeCommands(Setup setup) {
    setups.add(setup);
  }

  private void runSetups() throws IOException {
    List<Setup> todo;
    synchronized (this) {
      todo = List.copyOf(setups);
      setups.clear();
    }
    for (int i = 0; i < todo.size(); i++) {
      try {
        todo.get(i).run();
      } catch (IOException | RuntimeException e) {
        synchronized (this) {
          setups.addAll(0, todo.subList(i, todo.size())); // done again before the next command
        }
        throw e;
      }
    }
  }

  /**
   * The runner, started if need be; null when this connection has none (see {@link #useRunner}).
   */
  RemoteRunner runnerForFiles() throws IOException {
    return runner(RUNNER_START_TIMEOUT);
  }

  private synchronized RemoteRunner runner(Duration timeout) throws IOException {
    if (runner != null && runner.isOpen()) {
      return runner;
    }
    if (runnerPython == null || runnerFailed || !isOpen()) {
      return null;
    }
    long t = SshTrace.start();
    runner = RemoteRunner.start(session, runnerPython, timeout);
    runnerFailed = runner == null; // e.g. no such Python: its commands show that themselves
    SshTrace.done(
        runner == null ? "exec: no runner (" + runnerPython + ")" : "exec: runner started", t);
    return runner;
  }

  /**
   * Runs a command line as the host's shell reads it, in an exec request of its own. Only for
   * command lines labrun writes itself; anything from a user or a project is passed through {@link
   * Shell#quote}.
   */
  public Result runShell(String commandLine, InputStream stdin, Duration timeout)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    runSetups();
    int code = exec(commandLine, stdin, out, err, timeout);
    return new Result(code, out.toByteArray(), err.toByteArray());
  }

  private int exec(
      String commandLine, InputStream stdin, OutputStream out, OutputStream err, Duration timeout)
      throws IOException {
    long t = SshTrace.start();
    try (ChannelExec ch = session.createExecChannel(commandLine)) {
      ch.setIn(stdin == null ? InputStream.nullInputStream() : stdin);
      ch.setOut(out);
      ch.setErr(err);
      ch.open().verify(timeout);
      Set<ClientChannelEvent> events = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
      if (events.contains(ClientChannelEvent.TIMEOUT)) {
        throw new IOException(
            "no answer from " + settings.where() + " within " + timeout.toSeconds() + " s");
      }
      Integer code = ch.getExitStatus();
      if (code == null) {
        if (ch.getExitSignal() != null) {
          return 128 + 15;
        }
        throw new IOException(
            "the connection to " + settings.where() + " closed before the command ended");
      }
      SshTrace.done("exec: " + traced(commandLine), t);
      return code;
    }
  }

  private static String traced(String command) {
    return command.length() > 34 ? "..." + command.substring(command.length() - 31) : command;
  }

  /** Files on the host: over the runner's channel while it is up, else SFTP (see there). */
  public synchronized RemoteFiles files() {
    if (files == null) {
      files = new RemoteFiles(this, session, settings.where());
    }
    return files;
  }

  /**
   * Records the host key in labrun's known hosts when it was accepted as new but, as the policy's
   * {@code recordLater} asked, not recorded while connecting; else does nothing. Works on a closed
   * connection too.
   */
  public void recordNewHostKey() throws IOException {
    if (keyCheck != null && keyCheck.unrecorded() != null) {
      keyCheck.record(keyCheck.unrecorded());
    }
  }

  public String hostKeyFingerprint() {
    return hostKey == null ? null : KeyUtils.getFingerPrint(hostKey);
  }

  public SshSettings settings() {
    return settings;
  }

  public boolean isOpen() {
    return session.isOpen() && !session.isClosing();
  }

  /**
   * Whether this open connection may serve {@code other} (same host and login, see {@link
   * SshConnectionPool}): its host key, checked when it was opened, must pass {@code other}'s check
   * again now, without asking anyone.
   */
  boolean trustedFor(SshSettings other) {
    return isOpen()
        && hostKey != null
        && new HostKeyCheck(other, keyHost, keyPort).stillTrusted(hostKey);
  }

  /**
   * Asks the host for an answer (an OpenSSH keep-alive request) within {@code timeout}: a
   * connection whose other end is gone fails here rather than in the middle of a run.
   */
  boolean answers(Duration timeout) {
    if (!isOpen()) {
      return false;
    }
    try {
      Buffer b = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, 64);
      b.putString("keepalive@openssh.com");
      b.putBoolean(true);
      session.request("keepalive@openssh.com", b, timeout); // a "failure" reply is an answer too
      return isOpen();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Something labrun learned about the host over this connection (e.g. that its files are in
   * place), kept as long as the connection; null when not known.
   */
  public String fact(String key) {
    return facts.get(key);
  }

  public void fact(String key, String value) {
    facts.put(key, value);
  }

  /** This end's TCP port (tests find the host's process serving this connection by it). */
  public int localPort() {
    SocketAddress a = session.getIoSession().getLocalAddress();
    return a instanceof InetSocketAddress i ? i.getPort() : -1;
  }

  @Override
  public synchronized void close() {
    if (files != null) {
      files.close();
      files = null;
    }
    if (runner != null) {
      runner.close();
      runner = null;
    }
    closeQuietly(session);
  }

  private static void closeQuietly(ClientSession s) {
    if (s != null) {
      try {
        s.close(true);
      } catch (RuntimeException ignored) {
        // closing a broken connection
      }
    }
  }
}
