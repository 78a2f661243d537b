package io.labrun.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.ssh.TestSshd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command in the resident labrun asks for a key's passphrase on the client's terminal, without
 * echo: the real bin/labrun under a pseudo-terminal submits to the test sshd with a
 * passphrase-protected key, and the passphrase typed at the prompt logs in.
 */
class DaemonSecretPromptIT {
  static final TestSshd SSHD = TestSshd.get();

  /**
   * Runs a command on a pseudo-terminal, types TYPE_AT_PROMPT after "Enter passphrase", prints all
   * it saw.
   */
  static final String ON_A_TERMINAL =
      """
      import os, pty, select, sys
      answer = os.environ.pop("TYPE_AT_PROMPT")
      pid, fd = pty.fork()
      if pid == 0:
          os.execv(sys.argv[1], sys.argv[1:])
      seen, typed = b"", False
      while True:
          ready, _, _ = select.select([fd], [], [], 300)
          if not ready:
              os.kill(pid, 9)  # no output for 300 s: the command hangs (say, on a prompt); end it
              break
          try:
              data = os.read(fd, 4096)
          except OSError:
              break
          if not data:
              break
          seen += data
          if not typed and b"Enter passphrase" in seen:
              os.write(fd, (answer + "\\n").encode())
              typed = True
      _, status = os.waitpid(pid, 0)
      sys.stdout.write(seen.decode("utf-8", "replace"))
      sys.exit(os.waitstatus_to_exitcode(status))
      """;

  @TempDir static Path shared;

  @AfterAll
  static void stopDaemon() throws Exception {
    DaemonIT.labrun(shared, DaemonIT.baseEnv(shared.resolve("run")), null, "daemon", "stop");
  }

  @Test
  void aKeysPassphraseIsAskedOnTheClientsTerminalWithoutEcho(@TempDir Path tmp) throws Exception {
    Files.createDirectories(shared.resolve("run"));
    String secret = "typed at the prompt";
    Path key = TestSshd.newKey(tmp, "pp_key", "-t", "ed25519", "-N", secret);
    Path home = tmp.resolve("home");
    Map<String, String> env = DaemonIT.baseEnv(shared.resolve("run"));
    env.put("LABRUN_HOME", home.toString());
    DaemonIT.Result init = DaemonIT.labrun(tmp, env, null, "project", "init", "pp");
    assertThat(init.code()).as(init.toString()).isZero();
    Path proj = tmp.resolve("pp");
    Files.writeString(proj.resolve("hello.py"), "import sys\nprint('hello', sys.argv[1:])\n");
    try (AutoCloseable authorized = SSHD.authorize(tmp.resolve("pp_key.pub"), tmp)) {
      // attached in a labrun of its own with the passphrase in a file: the daemon keeps no
      // connection
      Path passFile = tmp.resolve("passphrase");
      Files.writeString(passFile, secret + "\n");
      Files.setPosixFilePermissions(passFile, PosixFilePermissions.fromString("rw-------"));
      Map<String, String> attachEnv = DaemonIT.direct(env);
      attachEnv.put("LABRUN_SSH_KEY_PASSPHRASE_FILE", passFile.toString());
      DaemonIT.Result attached =
          DaemonIT.labrun(
              proj,
              attachEnv,
              null,
              "computetarget",
              "attach",
              "--name",
              "pp",
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

      Path driver = tmp.resolve("on_a_terminal.py");
      Files.writeString(driver, ON_A_TERMINAL);
      Path labrun = Path.of("..", "bin", "labrun").toAbsolutePath().normalize();
      ProcessBuilder pb =
          new ProcessBuilder(
                  List.of(
                      "python3",
                      driver.toString(),
                      labrun.toString(),
                      "experiment",
                      "submit",
                      "-c",
                      "pp",
                      "hello.py",
                      "x"))
              .directory(proj.toFile())
              .redirectErrorStream(true);
      pb.environment().clear();
      pb.environment().putAll(env);
      pb.environment().put("TYPE_AT_PROMPT", secret);
      Process p = pb.start();
      p.getOutputStream().close();
      String seen = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(seen).isZero();
      assertThat(seen)
          .contains("Enter passphrase for key " + key)
          .contains("hello ['x']")
          .contains("Completed");
      assertThat(seen).as("the passphrase is not echoed").doesNotContain(secret);
      assertThat(DaemonIT.labrun(proj, env, null, "daemon", "status").code())
          .as("the submit ran in the daemon")
          .isZero();
    }
  }
}
