package io.labrun.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands through labrun's runner on the host (one exec request per connection), against the real
 * OpenSSH server and its slow-login user: what the commands see and give back is what an exec
 * request of their own would, and the login shell starts once for all of them.
 */
class RemoteRunnerIT {
  static final TestSshd SSHD = TestSshd.get();
  private static final Duration T = Duration.ofSeconds(60);
  @TempDir Path home;

  @Test
  void manyCommandsStartTheLoginShellOnce() throws Exception {
    SshSettings s =
        new SshSettings(
            "test",
            SSHD.host,
            SSHD.port,
            SSHD.slowUser(),
            SSHD.key,
            null,
            home.resolve("user"),
            home.resolve("known_hosts"),
            HostKeyPolicy.strict(SSHD.fingerprint()),
            Duration.ofSeconds(10),
            Duration.ofSeconds(20));
    long before = SSHD.shellStarts();
    try (SshConnection ssh = SshConnection.open(s)) {
      ssh.useRunner("python3");
      String weird = "a'b\"c $HOME; `id` \n done";
      assertThat(ssh.run(List.of("printf", "%s|", weird, ""), null, T).out())
          .as("no shell reads the words")
          .isEqualTo(weird + "||");
      assertThat(ssh.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), null, T))
          .satisfies(
              r -> {
                assertThat(r.exitCode()).isEqualTo(3);
                assertThat(r.out()).isEqualTo("out\n");
                assertThat(r.err()).isEqualTo("err\n");
              });
      assertThat(ssh.run(List.of("sh", "-c", "kill -TERM $$"), null, T).exitCode())
          .isEqualTo(128 + 15);
      assertThat(ssh.run(List.of("no-such-command-labrun"), null, T).exitCode()).isEqualTo(127);
      assertThat(ssh.run(List.of("cat"), null, T).out()).as("no stdin: it ends at once").isEmpty();

      byte[] big = new byte[5 << 20];
      new Random(7).nextBytes(big);
      SshConnection.Result sum = ssh.run(List.of("sha256sum"), new ByteArrayInputStream(big), T);
      assertThat(sum.out())
          .startsWith(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big)));
      SshConnection.Result echoed = ssh.run(List.of("cat"), new ByteArrayInputStream(big), T);
      assertThat(echoed.stdout()).as("5 MiB through and back at once").isEqualTo(big);
      assertThat(ssh.run(List.of("head", "-c", "3"), new ByteArrayInputStream(big), T).stdout())
          .as("a command that stops reading its stdin")
          .hasSize(3);
      assertThat(ssh.run(List.of("sh", "-c", "echo $PATH"), null, T).out().strip())
          .as("the login's environment")
          .isEqualTo(
              new String(ssh.runShell("echo $PATH", null, T).stdout(), StandardCharsets.UTF_8)
                  .strip());
    }
    assertThat(SSHD.shellStarts() - before)
        .as("one for the runner, one for the plain exec request of the PATH check")
        .isEqualTo(2);
  }
}
