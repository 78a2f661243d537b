package io.labrun.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key logins through a real OpenSSH {@code ssh-agent} and with passphrase-protected key files,
 * against the real OpenSSH server of scripts/test-env/sshd.sh.
 */
class SshAgentAndPassphraseIT {
  static final TestSshd SSHD = TestSshd.get();
  @TempDir Path home;

  @Test
  void ed25519AndRsaKeysSignedByTheAgent() throws Exception {
    Path ed = TestSshd.newKey(home, "agent_ed25519", "-t", "ed25519");
    Path rsa = TestSshd.newKey(home, "agent_rsa", "-t", "rsa", "-b", "3072");
    try (TestAgent agent = new TestAgent(home);
        AutoCloseable a = SSHD.authorize(pub(ed), home);
        AutoCloseable b = SSHD.authorize(pub(rsa), home)) {
      agent.add(ed, null);
      agent.add(rsa, null);
      assertThat(whoAmI(settings(null).withAgent(agent.socket)))
          .as("no key file: the agent's keys")
          .isEqualTo(SSHD.keyUser);
      assertThat(whoAmI(settings(pub(ed)).withAgent(agent.socket)))
          .as("the public half of an agent key")
          .isEqualTo(SSHD.keyUser);
      // OpenSSH refuses ssh-rsa (SHA-1) signatures: this login needs the agent's rsa-sha2-256/512
      // signing.
      assertThat(whoAmI(settings(pub(rsa)).withAgent(agent.socket))).isEqualTo(SSHD.keyUser);
    }
  }

  @Test
  void anEncryptedKeyTheAgentHoldsIsSignedThereWithoutAskingItsPassphrase() throws Exception {
    Path key = TestSshd.newKey(home, "enc_ed25519", "-t", "ed25519", "-N", "s3cret pass");
    AtomicInteger asked = new AtomicInteger();
    Supplier<char[]> passphrase =
        () -> {
          asked.incrementAndGet();
          return "s3cret pass".toCharArray();
        };
    try (TestAgent agent = new TestAgent(home);
        AutoCloseable a = SSHD.authorize(pub(key), home)) {
      agent.add(key, "s3cret pass");
      assertThat(whoAmI(settings(key).withAgent(agent.socket).withKeyPassphrase(passphrase)))
          .isEqualTo(SSHD.keyUser);
      assertThat(asked).hasValue(0);
    }
  }

  @Test
  void aPublicKeyTheAgentDoesNotHoldIsOneClearLine() throws Exception {
    Path key = TestSshd.newKey(home, "lonely", "-t", "ed25519");
    try (TestAgent agent = new TestAgent(home)) {
      assertThat(refused(settings(pub(key)).withAgent(agent.socket), ExitCode.BAD_INPUT))
          .isEqualTo(
              "the SSH key "
                  + pub(key)
                  + " is a public key: labrun signs with its private half in your ssh-agent, but"
                  + " the agent does not hold it; run ssh-add with the private key, or attach the"
                  + " target with --ssh-key PRIVATE_KEY_FILE");
    }
    assertThat(refused(settings(pub(key)), ExitCode.BAD_INPUT))
        .contains("no agent is running (SSH_AUTH_SOCK is not set)");
  }

  @Test
  void passphraseProtectedOpenSshAndPemKeys() throws Exception {
    Path openssh = TestSshd.newKey(home, "pp_ed25519", "-t", "ed25519", "-N", "right one");
    Path pem =
        TestSshd.newKey(
            home, "pp_rsa_pem", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "right one");
    assertThat(Files.readString(pem)).contains("BEGIN RSA PRIVATE KEY").contains("ENCRYPTED");
    try (AutoCloseable a = SSHD.authorize(pub(openssh), home);
        AutoCloseable b = SSHD.authorize(pub(pem), home)) {
      for (Path key : List.of(openssh, pem)) {
        AtomicInteger asked = new AtomicInteger();
        SshSettings s =
            settings(key)
                .withKeyPassphrase(
                    () -> {
                      asked.incrementAndGet();
                      return "right one".toCharArray();
                    });
        assertThat(whoAmI(s)).isEqualTo(SSHD.keyUser);
        assertThat(asked).as("asked once").hasValue(1);
        String wrong =
            refused(
                settings(key).withKeyPassphrase("wrong one"::toCharArray),
                ExitCode.TARGET_UNAVAILABLE);
        assertThat(wrong).isEqualTo("the passphrase for " + key + " is wrong");
        assertThat(refused(settings(key), ExitCode.TARGET_UNAVAILABLE))
            .startsWith(
                "the SSH key "
                    + key
                    + " is protected by a passphrase: add it to your ssh-agent (ssh-add "
                    + key
                    + ")");
      }
    }
  }

  private SshSettings settings(Path key) {
    return new SshSettings(
        "test",
        SSHD.host,
        SSHD.port,
        SSHD.keyUser,
        key,
        null,
        home.resolve("user"),
        home.resolve("known_hosts"),
        HostKeyPolicy.strict(SSHD.fingerprint()),
        Duration.ofSeconds(10),
        Duration.ofSeconds(20));
  }

  private static Path pub(Path key) {
    return key.resolveSibling(key.getFileName() + ".pub");
  }

  private static String whoAmI(SshSettings s) throws Exception {
    try (SshConnection c = SshConnection.open(s)) {
      return c.run(List.of("id", "-un"), null, Duration.ofSeconds(20)).out().strip();
    }
  }

  private static String refused(SshSettings s, ExitCode code) {
    StringBuilder msg = new StringBuilder();
    assertThatThrownBy(() -> SshConnection.open(s).close())
        .isInstanceOfSatisfying(
            LabrunException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(code);
              assertThat(e.getMessage())
                  .doesNotContain("\n")
                  .doesNotContain("right one")
                  .doesNotContain("wrong one");
              msg.append(e.getMessage());
            });
    return msg.toString();
  }
}
