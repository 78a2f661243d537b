package io.labrun.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real OpenSSH server the tests use, as {@code scripts/test-env/sshd.sh} describes it in its
 * {@code LABRUN_TEST_SSH_*} variables. Missing variables fail the test: SSH tests never skip.
 */
public final class TestSshd {
  public final String host;
  public final int port;
  public final String keyUser;
  public final Path key;
  public final String passwordUser;
  public final Path passwordFile;
  public final Path hostKeyPub;
  private final String slowUserVar;
  private final String startsVar;

  private TestSshd(String portVar, String slowUserVar, String startsVar) {
    this.slowUserVar = slowUserVar;
    this.startsVar = startsVar;
    host = need("LABRUN_TEST_SSH_HOST");
    port = Integer.parseInt(need(portVar));
    keyUser = need("LABRUN_TEST_SSH_KEY_USER");
    key = Path.of(need("LABRUN_TEST_SSH_KEY"));
    passwordUser = need("LABRUN_TEST_SSH_PW_USER");
    passwordFile = Path.of(need("LABRUN_TEST_SSH_PW_FILE"));
    hostKeyPub = Path.of(need("LABRUN_TEST_SSH_HOST_KEY_PUB"));
  }

  public static TestSshd get() {
    return new TestSshd(
        "LABRUN_TEST_SSH_PORT", "LABRUN_TEST_SSH_SLOW_USER", "LABRUN_TEST_SSH_SLOW_STARTS");
  }

  /**
   * The second server of {@code scripts/test-env/sshd.sh}, whose SFTP subsystem is OpenSSH's
   * separate {@code sftp-server} (Debian's default), which sshd starts through the user's shell:
   * its one user, {@link #slowUser()}, is set up as the first server's slow user is (same key, a
   * {@code ~/.bashrc} that sleeps 200 ms and counts its starts, {@link #shellStarts()}). Same host
   * key.
   */
  public static TestSshd externalSftp() {
    return new TestSshd(
        "LABRUN_TEST_SSH_EXTSFTP_PORT",
        "LABRUN_TEST_SSH_EXTSFTP_USER",
        "LABRUN_TEST_SSH_EXTSFTP_STARTS");
  }

  private static String need(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new AssertionError(
          name
              + " is not set: the SSH tests need the test OpenSSH server; run them with"
              + " scripts/test.sh (or eval \"$(scripts/test-env/sshd.sh)\" first)");
    }
    return v;
  }

  /**
   * The user whose {@code ~/.bashrc} sleeps 200 ms and counts its starts (as pyenv or conda init
   * lines cost, see {@code scripts/test-env/sshd.sh}); it logs in with {@link #key}.
   */
  public String slowUser() {
    return need(slowUserVar);
  }

  /**
   * How many times sshd has started the slow user's shell (reading its {@code ~/.bashrc}) so far:
   * once for each exec request, and for a subsystem that is not sshd's own. Shells that a run's
   * programs start (a {@code bash -c} of Hadoop's in a Spark job) read it too; they are not
   * counted.
   */
  public long shellStarts() throws IOException {
    try (var lines = Files.lines(Path.of(need(startsVar)))) {
      return lines
          .filter(l -> l.split(" ", 4).length > 2 && l.split(" ", 4)[2].equals("sshd"))
          .count();
    }
  }

  public String password() {
    try {
      return Files.readString(passwordFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(
          "cannot read " + passwordFile + " (run the tests as root, as scripts/test.sh does)", e);
    }
  }

  /**
   * How many logins with the key of fingerprint {@code fp} the server has logged (its log at
   * LogLevel VERBOSE has one "Accepted publickey for USER ... FINGERPRINT" line per key login).
   */
  public long logins(String fp) throws IOException {
    try (var lines = Files.lines(hostKeyPub.resolveSibling("sshd.log"))) {
      return lines
          .filter(l -> l.startsWith("Accepted publickey for ") && l.endsWith(" " + fp))
          .count();
    }
  }

  /** The SHA256 fingerprint of a public key file, as ssh-keygen prints it. */
  public static String fingerprintOf(Path pub) {
    return exec("ssh-keygen", "-l", "-E", "sha256", "-f", pub.toString()).split(" ")[1];
  }

  /** The host key's fingerprint as OpenSSH's ssh-keygen prints it. */
  public String fingerprint() {
    return fingerprintOf(hostKeyPub);
  }

  /** A known_hosts line for this server, as OpenSSH writes it. */
  public String knownHostsLine() throws IOException {
    String[] pub = Files.readString(hostKeyPub).strip().split(" ");
    return "[" + host + "]:" + port + " " + pub[0] + " " + pub[1] + "\n";
  }

  /**
   * Settings for the key user, with labrun's known hosts and the user's home under {@code home}.
   */
  public SshSettings keySettings(Path home, HostKeyPolicy policy) {
    return new SshSettings(
        "test",
        host,
        port,
        keyUser,
        key,
        null,
        home.resolve("user"),
        home.resolve("known_hosts"),
        policy,
        Duration.ofSeconds(10),
        Duration.ofSeconds(20));
  }

  /** Settings for the slow user (see {@link #slowUser()}), the host key pinned. */
  public SshSettings slowSettings(Path home) {
    return new SshSettings(
        "test",
        host,
        port,
        slowUser(),
        key,
        null,
        home.resolve("user"),
        home.resolve("known_hosts"),
        HostKeyPolicy.strict(fingerprint()),
        Duration.ofSeconds(10),
        Duration.ofSeconds(20));
  }

  public SshSettings passwordSettings(Path home, HostKeyPolicy policy, String password) {
    return new SshSettings(
        "test",
        host,
        port,
        passwordUser,
        null,
        password::toCharArray,
        home.resolve("user"),
        home.resolve("known_hosts"),
        policy,
        Duration.ofSeconds(10),
        Duration.ofSeconds(20));
  }

  /**
   * Adds the public key {@code pub} (an OpenSSH one-line file) to the key user's authorized keys on
   * the host, for as long as the returned handle is open; it is found again by its comment.
   */
  public AutoCloseable authorize(Path pub, Path home) throws IOException {
    String line = Files.readString(pub).strip();
    String comment = line.substring(line.lastIndexOf(' ') + 1);
    SshSettings s = keySettings(home, HostKeyPolicy.strict(fingerprint()));
    try (SshConnection c = SshConnection.open(s)) {
      c.run(
          List.of("sh", "-c", "printf '%s\\n' \"$1\" >> .ssh/authorized_keys", "sh", line),
          null,
          Duration.ofSeconds(20));
    }
    return () -> {
      try (SshConnection c = SshConnection.open(s)) {
        c.run(
            List.of("sed", "-i", "/ " + comment + "$/d", ".ssh/authorized_keys"),
            null,
            Duration.ofSeconds(20));
      }
    };
  }

  /**
   * Makes a throwaway key pair {@code dir/name} (and {@code .pub}) with ssh-keygen and {@code
   * args}.
   */
  public static Path newKey(Path dir, String name, String... args) {
    Path key = dir.resolve(name);
    List<String> argv =
        new ArrayList<>(
            List.of(
                "ssh-keygen",
                "-q",
                "-C",
                "labrun-test-" + name + "-" + System.nanoTime(),
                "-f",
                key.toString()));
    argv.addAll(List.of(args));
    if (!argv.contains("-N")) {
      argv.addAll(List.of("-N", ""));
    }
    exec(argv.toArray(String[]::new));
    return key;
  }

  /** Runs a local program, returning its output; fails the test when it fails. */
  public static String exec(String... argv) {
    try {
      Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", argv) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Kills the host's sshd processes that serve this JVM's connections to the test server (found by
   * their TCP ports with {@code ss}), as a network cut would end them. Returns their pids.
   */
  public List<Long> cutConnectionsOfThisProcess() {
    String me = "pid=" + ProcessHandle.current().pid() + ",";
    List<String> myPorts = new ArrayList<>();
    for (String line :
        exec("ss", "-tnpH", "state", "established", "( dport = :" + port + " )").split("\n")) {
      if (line.contains(me)) {
        String local = line.trim().split("\\s+")[2];
        myPorts.add(local.substring(local.lastIndexOf(':') + 1));
      }
    }
    List<Long> pids = new ArrayList<>();
    for (String clientPort : myPorts) {
      String out =
          exec(
              "ss",
              "-tnpH",
              "state",
              "established",
              "( sport = :" + port + " and dport = :" + clientPort + " )");
      Matcher m = Pattern.compile("pid=(\\d+)").matcher(out);
      while (m.find()) {
        pids.add(Long.parseLong(m.group(1)));
      }
    }
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    return pids;
  }
}
