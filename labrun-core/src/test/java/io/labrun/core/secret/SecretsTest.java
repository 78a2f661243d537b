package io.labrun.core.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.LabrunException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
  @TempDir Path dir;

  @Test
  void encryptedPasswordRoundTripsAndNeverContainsTheClearText() throws Exception {
    SecretBox box = new SecretBox(dir.resolve("cfg/secret.key"));
    String sealed = box.encrypt("s3cr3t pässword".toCharArray());
    assertThat(sealed).startsWith("enc:v1:").doesNotContain("s3cr3t");
    assertThat(new String(box.decrypt(sealed, "the password"))).isEqualTo("s3cr3t pässword");
    assertThat(box.encrypt("s3cr3t pässword".toCharArray()))
        .as("fresh IV each time")
        .isNotEqualTo(sealed);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("cfg/secret.key"))))
        .isEqualTo("rw-------");
  }

  @Test
  void anotherUsersKeyCannotDecryptAndSaysWhatToDo() {
    String sealed = new SecretBox(dir.resolve("a.key")).encrypt("pw".toCharArray());
    assertThatThrownBy(
            () ->
                new SecretBox(dir.resolve("b/b.key"))
                    .decrypt(sealed, "the password of target 'vm'"))
        .isInstanceOf(LabrunException.class)
        .hasMessageContaining("key file")
        .hasMessageContaining("--password-stdin");
    assertThatThrownBy(
            () ->
                new SecretBox(dir.resolve("a.key"))
                    .decrypt("hunter2", "the password of target 'vm'"))
        .hasMessageContaining("not encrypted by labrun");
  }

  @Test
  void tamperedCiphertextIsRejected() {
    SecretBox box = new SecretBox(dir.resolve("a.key"));
    String sealed = box.encrypt("pw".toCharArray());
    char[] c = sealed.toCharArray();
    c[c.length - 3] = c[c.length - 3] == 'A' ? 'B' : 'A';
    assertThatThrownBy(() -> box.decrypt(new String(c), "x")).isInstanceOf(LabrunException.class);
  }

  @Test
  void keyReadableByOthersIsRefused() throws Exception {
    Path key = dir.resolve("k.key");
    SecretBox box = new SecretBox(key);
    String sealed = box.encrypt("pw".toCharArray());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> box.decrypt(sealed, "x")).hasMessageContaining("chmod 600");
  }

  @Test
  void generatedKeyIsReadByOpenSshKeygen() throws Exception {
    SshKeyPair pair = SshKeyPair.generate("labrun@test");
    Path key = dir.resolve("ssh/id_test");
    pair.write(key);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    Process p =
        new ProcessBuilder("ssh-keygen", "-y", "-f", key.toString())
            .redirectErrorStream(true)
            .start();
    String derived = new String(p.getInputStream().readAllBytes()).trim();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(derived).isZero();
    // ssh-keygen derives the public key from the private file: it must match the line we print.
    assertThat(pair.publicKeyLine()).startsWith(derived);
    assertThat(Files.readString(key.resolveSibling("id_test.pub")).trim())
        .isEqualTo(pair.publicKeyLine());
  }
}
