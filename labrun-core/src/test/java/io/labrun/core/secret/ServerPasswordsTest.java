package io.labrun.core.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import io.labrun.core.error.LabrunException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server's passwords: one per exact login, encrypted with the server's key, never for another
 * host or user.
 */
class ServerPasswordsTest {
  @TempDir Path tmp;

  private ComputeTargetSpec target(String user, String host, Integer port, String sealed) {
    return ComputeTargetSpec.of("gpu", TargetType.REMOTE)
        .withConnection(host, port, user)
        .withPassword(sealed);
  }

  @Test
  void loginsHaveOneWrittenForm() {
    assertThat(ServerPasswords.login("me@Gpu1.lab")).isEqualTo("me@gpu1.lab:22");
    assertThat(ServerPasswords.login(" me@10.0.0.1:2222 ")).isEqualTo("me@10.0.0.1:2222");
    for (String bad :
        new String[] {"gpu1", "@host", "me@", "me@host:99999", "me@host:x", "a b@host"}) {
      assertThatThrownBy(() -> ServerPasswords.login(bad))
          .as(bad)
          .isInstanceOf(LabrunException.class)
          .hasMessageContaining("is not a login");
    }
  }

  @Test
  void aStoredPasswordServesExactlyItsLoginAndIsKeptEncrypted() throws Exception {
    SecretBox laptop = new SecretBox(tmp.resolve("laptop/secret.key"));
    SecretBox server = new SecretBox(tmp.resolve("server/secret.key"));
    ServerPasswords passwords = new ServerPasswords(tmp.resolve("server"), server);
    String sealedOnLaptop = laptop.encrypt("hunter2".toCharArray());
    ComputeTargetSpec gpu = target("me", "gpu1.lab", 2222, sealedOnLaptop);

    assertThat(passwords.missing(gpu))
        .contains("logs in to me@gpu1.lab:2222 with a password this server does not have")
        .contains("labrun server secret set me@gpu1.lab:2222 --password-stdin");
    assertThatThrownBy(() -> passwords.password(gpu))
        .isInstanceOf(LabrunException.class)
        .hasMessageContaining("does not have");

    passwords.set("me@GPU1.lab:2222", "s3cret".toCharArray());
    assertThat(passwords.missing(gpu)).isNull();
    assertThat(passwords.password(gpu)).containsExactly("s3cret".toCharArray());
    assertThat(Files.readString(tmp.resolve("server/server-secrets"))).doesNotContain("s3cret");
    assertThat(passwords.logins()).containsExactly("me@gpu1.lab:2222");
    assertThat(passwords.missing(target("me", "evil.example", 2222, sealedOnLaptop)))
        .as("another host")
        .isNotNull();
    assertThat(passwords.missing(target("root", "gpu1.lab", 2222, sealedOnLaptop)))
        .as("another user")
        .isNotNull();
    assertThat(passwords.missing(target("me", "gpu1.lab", null, sealedOnLaptop)))
        .as("another port")
        .isNotNull();

    ComputeTargetSpec attachedOnServer =
        target("you", "gpu2.lab", null, server.encrypt("mine".toCharArray()));
    assertThat(passwords.missing(attachedOnServer)).isNull();
    assertThat(passwords.password(attachedOnServer)).containsExactly("mine".toCharArray());

    assertThat(passwords.remove("me@gpu1.lab:2222")).isTrue();
    assertThat(passwords.remove("me@gpu1.lab:2222")).isFalse();
    assertThat(passwords.missing(gpu)).isNotNull();
  }
}
