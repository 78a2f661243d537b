package io.labrun.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logins, commands and files against the real OpenSSH server of scripts/test-env/sshd.sh. */
class SshConnectionIT {
  static final TestSshd SSHD = TestSshd.get();
  @TempDir Path home;

  @Test
  void keyLoginRunsCommandsWithEveryWordIntact() throws Exception {
    try (SshConnection c =
        SshConnection.open(
            SSHD.keySettings(home, HostKeyPolicy.strict(null).withAcceptNew(true)))) {
      List<String> words = List.of("a b", "it's", "$HOME;x", "`id`", "new\nline", "", "*");
      List<String> argv = new ArrayList<>(List.of("printf", "<%s>\\n"));
      argv.addAll(words);
      SshConnection.Result r = c.run(argv, null, Duration.ofSeconds(20));
      assertThat(r.exitCode()).isZero();
      assertThat(r.out()).isEqualTo("<a b>\n<it's>\n<$HOME;x>\n<`id`>\n<new\nline>\n<>\n<*>\n");
      SshConnection.Result whoami =
          c.run(
              List.of("sh", "-c", "id -un; cat; echo err >&2; exit 3"),
              new ByteArrayInputStream("in\n".getBytes()),
              Duration.ofSeconds(20));
      assertThat(whoami.exitCode()).isEqualTo(3);
      assertThat(whoami.out()).isEqualTo(SSHD.keyUser + "\nin\n");
      assertThat(whoami.err()).isEqualTo("err\n");
      assertThat(c.hostKeyFingerprint()).isEqualTo(SSHD.fingerprint());
    }
  }

  @Test
  void passwordLogin() throws Exception {
    try (SshConnection c =
        SshConnection.open(
            SSHD.passwordSettings(
                home, HostKeyPolicy.strict(SSHD.fingerprint()), SSHD.password()))) {
      assertThat(c.run(List.of("id", "-un"), null, Duration.ofSeconds(20)).out().strip())
          .isEqualTo(SSHD.passwordUser);
    }
  }

  @Test
  void rsaKeyLogin() throws Exception {
    Path rsa = TestSshd.newKey(home, "id_rsa", "-t", "rsa", "-b", "3072");
    SshSettings ed = SSHD.keySettings(home, HostKeyPolicy.strict(SSHD.fingerprint()));
    try (AutoCloseable authorized = SSHD.authorize(home.resolve("id_rsa.pub"), home)) {
      SshSettings withRsa =
          new SshSettings(
              "test",
              SSHD.host,
              SSHD.port,
              SSHD.keyUser,
              rsa,
              null,
              ed.userHome(),
              ed.knownHosts(),
              ed.hostKeys(),
              null,
              null);
      try (SshConnection c = SshConnection.open(withRsa)) {
        assertThat(c.run(List.of("true"), null, Duration.ofSeconds(20)).exitCode()).isZero();
      }
    }
  }

  @Test
  void hostAliasFromSshConfig() throws Exception {
    Path ssh = Files.createDirectories(home.resolve("user/.ssh"));
    Files.writeString(
        ssh.resolve("config"),
        "Host labtest\n  HostName "
            + SSHD.host
            + "\n  Port "
            + SSHD.port
            + "\n  User "
            + SSHD.keyUser
            + "\n  IdentityFile "
            + SSHD.key
            + "\n");
    Files.writeString(ssh.resolve("known_hosts"), SSHD.knownHostsLine());
    SshSettings s =
        new SshSettings(
            "test",
            "labtest",
            null,
            null,
            null,
            null,
            home.resolve("user"),
            home.resolve("known_hosts"),
            HostKeyPolicy.strict(null),
            null,
            null);
    try (SshConnection c = SshConnection.open(s)) {
      assertThat(c.run(List.of("id", "-un"), null, Duration.ofSeconds(20)).out().strip())
          .isEqualTo(SSHD.keyUser);
    }
    assertThat(home.resolve("known_hosts"))
        .as("a key known from ~/.ssh/known_hosts is not copied")
        .doesNotExist();
  }

  @Test
  void unknownHostKeyIsRefusedWithoutAPolicyAndRecordedWhenAccepted() throws Exception {
    SshSettings strict = SSHD.keySettings(home, HostKeyPolicy.strict(null));
    LabrunException e = refused(strict);
    assertThat(e.getMessage())
        .contains("is not known yet")
        .contains(SSHD.fingerprint())
        .contains("--accept-new-host-key")
        .contains("--host-key-fingerprint " + SSHD.fingerprint());
    assertThat(home.resolve("known_hosts")).doesNotExist();

    assertThat(
            refused(
                    SSHD.keySettings(
                        home,
                        HostKeyPolicy.strict("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")))
                .getMessage())
        .contains("not the expected SHA256:AAAA");

    AtomicReference<String> asked = new AtomicReference<>();
    assertThat(
            refused(
                    SSHD.keySettings(
                        home,
                        HostKeyPolicy.strict(null)
                            .withPrompt(
                                (w, t, fp) -> {
                                  asked.set(w + " " + t + " " + fp);
                                  return false;
                                })))
                .getMessage())
        .contains("was not trusted");
    assertThat(asked.get())
        .isEqualTo(SSHD.host + ":" + SSHD.port + " ssh-ed25519 " + SSHD.fingerprint());

    SshConnection.open(
            SSHD.keySettings(home, HostKeyPolicy.strict(SSHD.fingerprint().substring(7))))
        .close();
    assertThat(Files.readString(home.resolve("known_hosts"))).isEqualTo(SSHD.knownHostsLine());
    SshConnection.open(strict).close(); // known now
    assertThat(Files.readAllLines(home.resolve("known_hosts"))).hasSize(1);
  }

  @Test
  void changedHostKeyIsRefusedWhateverThePolicy() throws Exception {
    Path other = home.resolve("other");
    TestSshd.exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
    String[] pub = Files.readString(home.resolve("other.pub")).split(" ");
    Files.writeString(
        home.resolve("known_hosts"),
        "[" + SSHD.host + "]:" + SSHD.port + " " + pub[0] + " " + pub[1] + "\n");
    for (HostKeyPolicy p :
        List.of(
            HostKeyPolicy.strict(null).withAcceptNew(true),
            HostKeyPolicy.strict(SSHD.fingerprint()))) {
      LabrunException e = refused(SSHD.keySettings(home, p));
      assertThat(e.getMessage())
          .contains("has CHANGED")
          .contains(SSHD.fingerprint())
          .contains(
              "ssh-keygen -R '["
                  + SSHD.host
                  + "]:"
                  + SSHD.port
                  + "' -f "
                  + home.resolve("known_hosts"))
          .doesNotContain("\n");
    }
    TestSshd.exec(
        "ssh-keygen",
        "-q",
        "-R",
        "[" + SSHD.host + "]:" + SSHD.port,
        "-f",
        home.resolve("known_hosts").toString());
    SshConnection.open(SSHD.keySettings(home, HostKeyPolicy.strict(SSHD.fingerprint()))).close();
  }

  @Test
  void hostKeyCheckWithoutLogin() {
    assertThat(
            SshConnection.checkHostKey(
                SSHD.keySettings(home, HostKeyPolicy.strict(null).withAcceptNew(true))))
        .isEqualTo(SSHD.fingerprint());
  }

  @Test
  void badHostsAndRefusedLoginsAreOneLineErrors() throws Exception {
    HostKeyPolicy known = HostKeyPolicy.strict(SSHD.fingerprint());
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }
    SshSettings base = SSHD.keySettings(home, known);
    for (String host : List.of("127.0.0.1", "127.0.0.2")) {
      SshSettings noListener =
          new SshSettings(
              "gpu1",
              host,
              closed,
              SSHD.keyUser,
              SSHD.key,
              null,
              base.userHome(),
              base.knownHosts(),
              known,
              null,
              null);
      assertThat(refused(noListener).getMessage())
          .isEqualTo(
              "cannot connect to "
                  + host
                  + ":"
                  + closed
                  + " (target gpu1): connection refused (no SSH server listens on port "
                  + closed
                  + " there)");
    }
    assertThat(refused(SSHD.passwordSettings(home, known, "not-the-password")).getMessage())
        .contains("as " + SSHD.passwordUser + " refused: wrong password");
    Path stranger = home.resolve("stranger");
    TestSshd.exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString());
    SshSettings wrongKey =
        new SshSettings(
            "gpu1",
            SSHD.host,
            SSHD.port,
            SSHD.keyUser,
            stranger,
            null,
            base.userHome(),
            base.knownHosts(),
            known,
            null,
            null);
    assertThat(refused(wrongKey).getMessage())
        .contains("refused: the key " + stranger + " was not accepted");
  }

  @Test
  void filesOverSftp() throws Exception {
    try (SshConnection c =
        SshConnection.open(SSHD.keySettings(home, HostKeyPolicy.strict(SSHD.fingerprint())))) {
      RemoteFiles f = c.files();
      String dir = ".labrun-test-" + System.nanoTime();
      try {
        assertThat(f.home()).isEqualTo("/home/" + SSHD.keyUser);
        f.mkdirs(dir + "/a/b");
        f.write(dir + "/a/b/x.txt", "hello world\n".getBytes(StandardCharsets.UTF_8));
        assertThat(f.read(dir + "/a/b/x.txt", 6, 100)).asString().isEqualTo("world\n");
        assertThat(f.read(dir + "/a/b/x.txt", 0, 1 << 20)).asString().isEqualTo("hello world\n");
        assertThat(f.read(dir + "/a/b/x.txt", 12, 1 << 20)).isEmpty();
        assertThat(f.download(dir + "/nope", home.resolve("none"))).isZero();
        assertThat(f.read(dir + "/missing", 0, 100)).isEmpty();
        assertThat(f.readAll(dir + "/missing")).isEmpty();
        assertThat(f.download(dir, home.resolve("dl"))).isEqualTo(1);
        assertThat(home.resolve("dl/a/b/x.txt")).hasContent("hello world");
      } finally {
        c.run(List.of("rm", "-rf", "--", dir), null, Duration.ofSeconds(20));
      }
    }
  }

  private static LabrunException refused(SshSettings s) {
    AtomicReference<LabrunException> caught = new AtomicReference<>();
    assertThatThrownBy(() -> SshConnection.open(s).close())
        .isInstanceOfSatisfying(
            LabrunException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.TARGET_UNAVAILABLE);
              assertThat(e.getMessage()).doesNotContain("\n");
              caught.set(e);
            });
    return caught.get();
  }
}
