package io.labrun.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** known_hosts files as OpenSSH writes them, hashed ones included (made by ssh-keygen -H). */
class KnownHostsTest {
  @TempDir Path tmp;

  @Test
  void knownUnknownChangedAndRevoked() throws Exception {
    KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    KeyPair other = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    KeyPair rsa = KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 2048);
    Path labrun = tmp.resolve("labrun/known_hosts");
    Path user = tmp.resolve("user_known_hosts");
    KnownHosts files = new KnownHosts(List.of(labrun, user));
    assertThat(files.check("gpu1", 22, key.getPublic()).verdict())
        .isEqualTo(KnownHosts.Verdict.UNKNOWN);

    KnownHosts.record(labrun, "gpu1", 2222, key.getPublic());
    assertThat(Files.readString(labrun))
        .isEqualTo("[gpu1]:2222 " + PublicKeyEntry.toString(key.getPublic()) + "\n");
    assertThat(Files.getPosixFilePermissions(labrun)).hasSize(2); // rw-------
    assertThat(files.check("gpu1", 2222, key.getPublic()).verdict())
        .isEqualTo(KnownHosts.Verdict.KNOWN);
    assertThat(files.check("gpu1", 22, key.getPublic()).verdict())
        .as("another port is another host")
        .isEqualTo(KnownHosts.Verdict.UNKNOWN);
    KnownHosts.Finding changed = files.check("gpu1", 2222, other.getPublic());
    assertThat(changed.verdict()).isEqualTo(KnownHosts.Verdict.CHANGED);
    assertThat(changed.file()).isEqualTo(labrun);
    assertThat(changed.line()).isEqualTo(1);
    assertThat(files.check("gpu1", 2222, rsa.getPublic()).verdict())
        .as("a key of another type is new, as for OpenSSH")
        .isEqualTo(KnownHosts.Verdict.UNKNOWN);

    Files.writeString(
        user,
        "# comment\n\nnot a valid line\n@revoked * "
            + PublicKeyEntry.toString(other.getPublic())
            + "\n");
    assertThat(files.check("db", 22, other.getPublic()).verdict())
        .isEqualTo(KnownHosts.Verdict.REVOKED);
  }

  @Test
  void hashedHostNamesFromSshKeygen() throws Exception {
    KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    Path user = tmp.resolve("known_hosts");
    Files.writeString(
        user,
        "gpu1.lab,10.0.0.7 "
            + PublicKeyEntry.toString(key.getPublic())
            + "\n[gpu2]:2222 "
            + PublicKeyEntry.toString(key.getPublic())
            + "\n");
    TestSshd.exec("ssh-keygen", "-H", "-f", user.toString());
    assertThat(Files.readString(user)).startsWith("|1|").doesNotContain("gpu1");
    KnownHosts files = new KnownHosts(List.of(user));
    assertThat(files.check("gpu1.lab", 22, key.getPublic()).verdict())
        .isEqualTo(KnownHosts.Verdict.KNOWN);
    assertThat(files.check("10.0.0.7", 22, key.getPublic()).verdict())
        .isEqualTo(KnownHosts.Verdict.KNOWN);
    assertThat(files.check("gpu2", 2222, key.getPublic()).verdict())
        .isEqualTo(KnownHosts.Verdict.KNOWN);
    assertThat(files.check("gpu3", 22, key.getPublic()).verdict())
        .isEqualTo(KnownHosts.Verdict.UNKNOWN);
  }
}
