package io.labrun.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files moved by labrun's runner instead of SFTP, against the test server whose SFTP subsystem is
 * OpenSSH's separate {@code sftp-server} (each SFTP channel starts the user's login shell there):
 * with the runner up, reading, writing, folders and downloads need no SFTP channel, so the login
 * shell starts once for all of it; what arrives is what was sent, and a write whose bytes do not
 * match is not put in place.
 */
class RunnerFilesIT {
  static final TestSshd SSHD = TestSshd.externalSftp();
  private static final Duration T = Duration.ofSeconds(60);
  @TempDir Path home;

  @Test
  void filesGoOverTheRunnerAndTheLoginShellStartsOnce() throws Exception {
    String dir = ".labrun-test-runner-files/" + System.nanoTime();
    long before = SSHD.shellStarts();
    try (SshConnection ssh = SshConnection.open(SSHD.slowSettings(home))) {
      ssh.useRunner("python3");
      ssh.startRunner();
      RemoteFiles f = ssh.files();
      assertThat(f.home()).isEqualTo("/home/" + SSHD.slowUser());
      f.mkdirs(dir + "/a/b");
      f.makePrivate(dir);
      f.write(dir + "/a/b/x.txt", "hello\n".getBytes(StandardCharsets.UTF_8));
      f.writePrivate(dir + "/secret", "s".getBytes(StandardCharsets.UTF_8));
      byte[] big = new byte[3 << 20];
      new Random(3).nextBytes(big);
      f.write(dir + "/a/big.bin", big);
      f.write(dir + "/a/big.bin", big); // over an existing file

      assertThat(f.readAll(dir + "/a/big.bin")).contains(big);
      assertThat(f.read(dir + "/a/b/x.txt", 1, 3))
          .isEqualTo("ell".getBytes(StandardCharsets.UTF_8));
      assertThat(f.read(dir + "/a/b/x.txt", 6, 10)).isEmpty();
      assertThat(f.read(dir + "/nothing", 0, 10)).isEmpty();
      assertThat(f.readAll(dir + "/nothing")).isEmpty();
      assertThat(f.size(dir + "/a/big.bin")).isEqualTo(big.length);
      assertThat(f.size(dir + "/nothing")).isZero();
      assertThat(f.exists(dir + "/a/b")).isTrue();
      assertThat(f.exists(dir + "/nothing")).isFalse();
      assertThat(
              ssh.run(List.of("stat", "-c", "%a %n", dir, dir + "/secret"), null, T).out().lines())
          .containsExactly("700 " + dir, "600 " + dir + "/secret");

      ssh.run(List.of("ln", "-s", "/etc", dir + "/a/link"), null, T);
      Path local = home.resolve("down");
      assertThat(f.download(dir + "/a", local)).as("files, links not followed").isEqualTo(2);
      assertThat(local.resolve("big.bin")).hasBinaryContent(big);
      assertThat(local.resolve("b/x.txt")).hasContent("hello");
      assertThat(local.resolve("link")).doesNotExist();
      assertThat(f.download(dir + "/nothing", home.resolve("none"))).isZero();

      RemoteRunner runner = ssh.runnerForFiles();
      assertThat(runner.hold()).isTrue();
      try {
        Map<String, Object> damaged =
            runner.exchange(
                'F',
                Map.of(
                    "op", "write", "path", dir + "/a/b/x.txt", "size", 3, "sha256", "0".repeat(64)),
                new ByteArrayInputStream("bad".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(),
                new ByteArrayOutputStream(),
                T,
                "test");
        assertThat(RemoteRunner.code(damaged)).isEqualTo(1);
        assertThat((String) damaged.get("error")).contains("not the 3 sent");
      } finally {
        runner.release();
      }
      assertThat(f.readAll(dir + "/a/b/x.txt"))
          .as("a damaged write leaves the file as it was")
          .contains("hello\n".getBytes(StandardCharsets.UTF_8));
      assertThat(ssh.run(List.of("ls", "-A", dir + "/a/b"), null, T).out())
          .as("and no temporary file")
          .isEqualTo("x.txt\n");
      ssh.run(List.of("rm", "-rf", ".labrun-test-runner-files"), null, T);
    }
    assertThat(SSHD.shellStarts() - before).as("the runner's start alone").isEqualTo(1);
  }

  @Test
  void withoutTheRunnerFilesGoOverSftp() throws Exception {
    long before = SSHD.shellStarts();
    try (SshConnection ssh = SshConnection.open(SSHD.slowSettings(home))) {
      assertThat(ssh.files().home()).isEqualTo("/home/" + SSHD.slowUser());
      assertThat(ssh.files().readAll(".labrun-test-nothing-here")).isEmpty();
    }
    assertThat(SSHD.shellStarts() - before)
        .as("this server's sftp-server is started through the login shell")
        .isEqualTo(1);
  }
}
