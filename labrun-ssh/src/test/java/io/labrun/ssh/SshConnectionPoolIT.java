package io.labrun.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.labrun.core.error.LabrunException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections kept for reuse in one JVM, against the real OpenSSH server of
 * scripts/test-env/sshd.sh.
 */
class SshConnectionPoolIT {
  static final TestSshd SSHD = TestSshd.get();
  @TempDir Path home;

  @Test
  void twoBorrowsOfTheSameLoginUseOneConnection() throws Exception {
    Path key = TestSshd.newKey(home, "pool_key", "-t", "ed25519");
    String fp = TestSshd.fingerprintOf(Path.of(key + ".pub"));
    SshConnectionPool pool = new SshConnectionPool(Duration.ofSeconds(60));
    try (AutoCloseable authorized = SSHD.authorize(Path.of(key + ".pub"), home)) {
      SshSettings s = settings(key);
      SshConnection first = pool.acquire(s);
      pool.release(first);
      SshConnection second = pool.acquire(s);
      assertThat(second).isSameAs(first);
      assertThat(second.run(List.of("id", "-un"), null, Duration.ofSeconds(20)).out().strip())
          .isEqualTo(SSHD.keyUser);
      pool.release(second);
      assertThat(pool.opened()).isEqualTo(1);
      assertThat(SSHD.logins(fp)).as("logins with the test's own key in the sshd log").isEqualTo(1);

      SshConnection other =
          pool.acquire(SSHD.keySettings(home, HostKeyPolicy.strict(SSHD.fingerprint())));
      assertThat(other).as("another key: another connection").isNotSameAs(first);
      pool.release(other);
      pool.idleTimeout(Duration.ZERO);
      assertThat(first.isOpen()).isFalse();
    }
  }

  @Test
  void aKilledConnectionIsReplacedWithoutAnError() throws Exception {
    SshConnectionPool pool = new SshConnectionPool(Duration.ofSeconds(60));
    SshSettings s = SSHD.keySettings(home, HostKeyPolicy.strict(SSHD.fingerprint()));
    SshConnection first = pool.acquire(s);
    pool.release(first);
    assertThat(SSHD.cutConnectionsOfThisProcess()).isNotEmpty();
    SshConnection next = pool.acquire(s);
    assertThat(next).isNotSameAs(first);
    assertThat(next.run(List.of("echo", "ok"), null, Duration.ofSeconds(20)).out())
        .isEqualTo("ok\n");
    assertThat(pool.opened()).isEqualTo(2);
    pool.release(next);
    pool.idleTimeout(Duration.ZERO);
  }

  @Test
  void differentCredentialsNeverShareAndAChangedHostKeyStillRefuses() throws Exception {
    SshConnectionPool pool = new SshConnectionPool(Duration.ofSeconds(60));
    SshConnection right =
        pool.acquire(
            SSHD.passwordSettings(home, HostKeyPolicy.strict(SSHD.fingerprint()), SSHD.password()));
    pool.release(right);
    assertThatThrownBy(
            () ->
                pool.acquire(
                    SSHD.passwordSettings(
                        home, HostKeyPolicy.strict(SSHD.fingerprint()), "not-" + SSHD.password())))
        .isInstanceOf(LabrunException.class)
        .hasMessageContaining("wrong password");
    SshConnection again =
        pool.acquire(
            SSHD.passwordSettings(home, HostKeyPolicy.strict(SSHD.fingerprint()), SSHD.password()));
    assertThat(again).isSameAs(right);
    pool.release(again);

    Path other = TestSshd.newKey(home, "other_host", "-t", "ed25519");
    String[] pub = Files.readString(Path.of(other + ".pub")).split(" ");
    Files.writeString(
        home.resolve("known_hosts"),
        "[" + SSHD.host + "]:" + SSHD.port + " " + pub[0] + " " + pub[1] + "\n");
    assertThatThrownBy(
            () ->
                pool.acquire(
                    SSHD.passwordSettings(
                        home, HostKeyPolicy.strict(SSHD.fingerprint()), SSHD.password())))
        .isInstanceOf(LabrunException.class)
        .hasMessageContaining("has CHANGED");
    assertThat(pool.opened()).isEqualTo(1);
    pool.idleTimeout(Duration.ZERO);
  }

  @Test
  void anIdleConnectionIsClosedAfterTheIdleTimeout() {
    SshConnectionPool pool = new SshConnectionPool(Duration.ofMillis(500));
    SshConnection c =
        pool.acquire(SSHD.keySettings(home, HostKeyPolicy.strict(SSHD.fingerprint())));
    pool.release(c);
    await().atMost(Duration.ofSeconds(30)).until(() -> !c.isOpen());
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
        null,
        null);
  }
}
