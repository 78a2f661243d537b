package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.ssh.SshConnectionPool;
import io.labrun.ssh.TestAgent;
import io.labrun.ssh.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attaching and submitting with the keys of a real ssh-agent, and with a passphrase-protected key.
 */
class RemoteKeysIT {
  static final TestSshd SSHD = RemoteProject.SSHD;
  @TempDir Path tmp;
  RemoteProject p;

  private Duration keptBefore;

  /**
   * These tests are about logging in: each submit logs in anew rather than reusing a kept
   * connection.
   */
  @BeforeEach
  void init() {
    keptBefore = SshConnectionPool.shared().idleTimeout();
    SshConnectionPool.shared().idleTimeout(Duration.ZERO);
    p = new RemoteProject(tmp);
    p.write("hello.py", "import getpass\nprint('hello from', getpass.getuser())\n");
  }

  @AfterEach
  void keepAgain() {
    SshConnectionPool.shared().idleTimeout(keptBefore);
  }

  private Cli.Result attach(String name, String... login) {
    String[] base = {
      "computetarget",
      "attach",
      "--name",
      name,
      "--type",
      "remote",
      "--address",
      SSHD.host + ":" + SSHD.port,
      "--username",
      SSHD.keyUser,
      "--accept-new-host-key"
    };
    String[] all = Arrays.copyOf(base, base.length + login.length);
    System.arraycopy(login, 0, all, base.length, login.length);
    return p.cli.in(p.project, all);
  }

  @Test
  void theAgentsKeysLogInWithoutAKeyFile() throws Exception {
    Path key = TestSshd.newKey(tmp, "agent_key", "-t", "ed25519");
    try (TestAgent agent = new TestAgent(tmp);
        AutoCloseable authorized = SSHD.authorize(tmp.resolve("agent_key.pub"), tmp)) {
      agent.add(key, null);
      Files.delete(key); // only the agent has the private key now
      p.cli.env("SSH_AUTH_SOCK", agent.socket.toString());
      Cli.Result attached = attach("viaagent", "--ssh-agent");
      assertThat(attached.code()).as(attached.toString()).isZero();
      assertThat(Files.readString(p.project.resolve("aml_config/viaagent.compute")))
          .doesNotContain("sshKeyFile");
      Cli.Result run = p.submit("-c", "viaagent", "hello.py");
      assertThat(run.code()).as(run.toString()).isZero();
      assertThat(run.out()).contains("hello from " + SSHD.keyUser);

      Cli.Result pub = attach("viapub", "--ssh-key", tmp.resolve("agent_key.pub").toString());
      assertThat(pub.code()).as(pub.toString()).isZero();
      assertThat(p.submit("-c", "viapub", "hello.py").out()).contains("hello from " + SSHD.keyUser);
    }
    Cli.Result noAgent = p.submit("-c", "viapub", "hello.py");
    RemoteHostIT.oneLineError(
        noAgent,
        2,
        "is a public key: labrun signs with its private half in your ssh-agent, but no agent is"
            + " running");
  }

  @Test
  void aPassphraseProtectedKeyWithItsPassphraseInAPrivateFile() throws Exception {
    String secret = "correct horse battery";
    Path key = TestSshd.newKey(tmp, "pp_key", "-t", "ed25519", "-N", secret);
    Path passFile = tmp.resolve("passphrase");
    Files.writeString(passFile, secret + "\n");
    Files.setPosixFilePermissions(passFile, PosixFilePermissions.fromString("rw-------"));
    try (AutoCloseable authorized = SSHD.authorize(tmp.resolve("pp_key.pub"), tmp)) {
      Cli.Result none = attach("pp", "--ssh-key", key.toString());
      RemoteHostIT.oneLineError(none, "the SSH key " + key + " is protected by a passphrase");
      assertThat(none.code()).isEqualTo(5);

      p.cli.env("LABRUN_SSH_KEY_PASSPHRASE_FILE", passFile.toString());
      Cli.Result attached = attach("pp", "--ssh-key", key.toString());
      assertThat(attached.code()).as(attached.toString()).isZero();
      Cli.Result run = p.submit("-c", "pp", "hello.py");
      assertThat(run.code()).as(run.toString()).isZero();
      assertThat(run.out()).contains("hello from " + SSHD.keyUser);
      assertThat(attached.out() + attached.err() + run.out() + run.err()).doesNotContain(secret);
      assertThat(Files.readString(p.project.resolve("aml_config/pp.compute")))
          .doesNotContain(secret);

      Files.writeString(passFile, "not the passphrase\n");
      Cli.Result wrong = p.submit("-c", "pp", "hello.py");
      RemoteHostIT.oneLineError(wrong, "the passphrase for " + key + " is wrong");
      assertThat(wrong.code()).isEqualTo(5);

      Files.setPosixFilePermissions(passFile, PosixFilePermissions.fromString("rw-r--r--"));
      Cli.Result open = p.submit("-c", "pp", "hello.py");
      RemoteHostIT.oneLineError(
          open,
          2,
          "LABRUN_SSH_KEY_PASSPHRASE_FILE names "
              + passFile
              + ", which other users can read; run chmod 600 "
              + passFile);
    }
  }
}
