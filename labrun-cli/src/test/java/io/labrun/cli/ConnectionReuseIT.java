package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.ssh.TestSshd;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submits served by one JVM (as by the CLI daemon) reuse one logged-in SSH connection, and one that
 * was killed is replaced without the run noticing. Logins are counted in the test sshd's log by the
 * fingerprint of a key only this test uses.
 */
class ConnectionReuseIT {
  static final TestSshd SSHD = RemoteProject.SSHD;
  @TempDir Path tmp;

  @Test
  void twoSubmitsInOneJvmLogInOnceAndAKilledConnectionIsReplaced() throws Exception {
    RemoteProject p = new RemoteProject(tmp);
    p.write("hello.py", "print('hello', 6 * 7)\n");
    Path key = TestSshd.newKey(tmp, "reuse_key", "-t", "ed25519");
    Path pub = Path.of(key + ".pub");
    String fp = TestSshd.fingerprintOf(pub);
    try (AutoCloseable authorized = SSHD.authorize(pub, tmp)) {
      Cli.Result attached =
          p.cli.in(
              p.project,
              "computetarget",
              "attach",
              "--name",
              "reuse",
              "--type",
              "remote",
              "--address",
              SSHD.host + ":" + SSHD.port,
              "--username",
              SSHD.keyUser,
              "--ssh-key",
              key.toString(),
              "--accept-new-host-key");
      assertThat(attached.code()).as(attached.toString()).isZero();
      long afterAttach = SSHD.logins(fp);
      for (int i = 0; i < 2; i++) {
        Cli.Result run = p.submit("-c", "reuse", "hello.py");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("hello 42");
      }
      assertThat(SSHD.logins(fp) - afterAttach).as("logins for two submits").isEqualTo(1);

      assertThat(SSHD.cutConnectionsOfThisProcess()).isNotEmpty();
      Cli.Result afterCut = p.submit("-c", "reuse", "hello.py");
      assertThat(afterCut.code()).as(afterCut.toString()).isZero();
      assertThat(afterCut.out()).contains("hello 42");
      assertThat(afterCut.err()).doesNotContain("labrun: ");
      assertThat(SSHD.logins(fp) - afterAttach)
          .as("a new login replaced the killed connection")
          .isEqualTo(2);
    }
  }
}
