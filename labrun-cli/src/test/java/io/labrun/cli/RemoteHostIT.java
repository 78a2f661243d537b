package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.core.run.RunStatus;
import io.labrun.ssh.TestSshd;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attaching hosts, host keys, logins, unreachable hosts and cut connections, through the CLI. */
class RemoteHostIT {
  static final TestSshd SSHD = RemoteProject.SSHD;
  @TempDir Path tmp;
  RemoteProject p;
  String address;

  @BeforeEach
  void init() {
    p = new RemoteProject(tmp);
    address = SSHD.host + ":" + SSHD.port;
    p.write("hello.py", "import getpass\nprint('hello from', getpass.getuser())\n");
  }

  Cli.Result attach(String name, String... extra) {
    String[] base = {
      "computetarget",
      "attach",
      "--name",
      name,
      "--type",
      "remote",
      "--address",
      address,
      "--username",
      SSHD.keyUser,
      "--ssh-key",
      SSHD.key.toString()
    };
    String[] all = Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return p.cli.in(p.project, all);
  }

  @Test
  void attachShowsTheHostKeyRecordsAndPinsIt() throws Exception {
    Cli.Result r = attach("gpu1", "--accept-new-host-key");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains(
            "Host key of "
                + address
                + ": "
                + SSHD.fingerprint()
                + "; logged in as "
                + SSHD.keyUser);
    assertThat(Files.readString(p.project.resolve("aml_config/gpu1.compute")))
        .contains(SSHD.fingerprint());
    assertThat(Files.readString(tmp.resolve("labrun/config/known_hosts")))
        .isEqualTo(SSHD.knownHostsLine());
    Cli.Result run = p.submit("-c", "gpu1", "hello.py");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).contains("hello from " + SSHD.keyUser);
  }

  @Test
  void anUnknownHostKeyIsNeverTrustedSilently() throws Exception {
    Cli.Result r = attach("gpu1");
    oneLineError(r, "is not known yet");
    assertThat(r.code()).isEqualTo(5);
    assertThat(r.err())
        .contains(SSHD.fingerprint())
        .contains("--accept-new-host-key")
        .contains("nothing written");
    assertThat(p.project.resolve("aml_config/gpu1.compute")).doesNotExist();

    Cli.Result wrong =
        attach(
            "gpu1", "--host-key-fingerprint", "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    oneLineError(wrong, "not the expected SHA256:AAAA");

    // Written without connecting: the first submit checks the key with the same rules.
    assertThat(attach("gpu1", "--no-connect").code()).isZero();
    Cli.Result submit = p.submit("-c", "gpu1", "hello.py");
    oneLineError(submit, "is not known yet");
    assertThat(submit.code()).isEqualTo(5);
    assertThat(tmp.resolve("labrun/config/known_hosts")).doesNotExist();

    assertThat(
            attach("gpu1", "--no-connect", "--force", "--host-key-fingerprint", SSHD.fingerprint())
                .code())
        .isZero();
    Cli.Result pinned = p.submit("-c", "gpu1", "hello.py");
    assertThat(pinned.code()).as(pinned.toString()).isZero();
    assertThat(Files.readString(tmp.resolve("labrun/config/known_hosts")))
        .isEqualTo(SSHD.knownHostsLine());
  }

  @Test
  void aPinnedFingerprintIsCheckedEvenForAKnownHost() throws Exception {
    assertThat(attach("gpu1", "--accept-new-host-key").code()).isZero();
    Path known = tmp.resolve("labrun/config/known_hosts");
    assertThat(Files.readString(known)).isEqualTo(SSHD.knownHostsLine());

    Cli.Result wrong = attach("gpu2", "--host-key-fingerprint", "SHA256:WRONG");
    oneLineError(wrong, "not the expected SHA256:WRONG");
    assertThat(wrong.code()).isEqualTo(5);
    assertThat(p.project.resolve("aml_config/gpu2.compute")).doesNotExist();

    Files.writeString(
        p.project.resolve("aml_config/gpu1.compute"),
        Files.readString(p.project.resolve("aml_config/gpu1.compute"))
            .replace(SSHD.fingerprint(), "SHA256:WRONG"));
    Cli.Result submit = p.submit("-c", "gpu1", "hello.py");
    oneLineError(submit, "not the expected SHA256:WRONG");
    assertThat(Files.readString(known)).isEqualTo(SSHD.knownHostsLine());
  }

  @Test
  void aFailedAttachWritesNoHostKey() throws Exception {
    Cli.Result wrong =
        p.cli.run(
            p.project,
            "not-" + SSHD.password() + "\n",
            "computetarget",
            "attach",
            "--name",
            "pw",
            "--type",
            "remote",
            "--address",
            address,
            "--username",
            SSHD.passwordUser,
            "--password-stdin",
            "--accept-new-host-key");
    oneLineError(wrong, "refused: wrong password");
    assertThat(tmp.resolve("labrun/config/known_hosts")).doesNotExist();
    assertThat(p.project.resolve("aml_config/pw.compute")).doesNotExist();
  }

  @Test
  void aChangedHostKeyIsRefusedWithHowToAcceptIt() throws Exception {
    assertThat(attach("gpu1", "--accept-new-host-key").code()).isZero();
    Path other = tmp.resolve("other");
    TestSshd.exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
    String[] pub = Files.readString(tmp.resolve("other.pub")).split(" ");
    Path known = tmp.resolve("labrun/config/known_hosts");
    Files.writeString(
        known, "[" + SSHD.host + "]:" + SSHD.port + " " + pub[0] + " " + pub[1] + "\n");
    Cli.Result r = p.submit("-c", "gpu1", "hello.py");
    oneLineError(r, "has CHANGED");
    assertThat(r.code()).isEqualTo(5);
    assertThat(r.err())
        .contains("ssh-keygen -R '[" + SSHD.host + "]:" + SSHD.port + "' -f " + known);
  }

  @Test
  void passwordLoginWithTheTargetsEncryptedPassword() throws Exception {
    String password = SSHD.password();
    Cli.Result r =
        p.cli.run(
            p.project,
            password + "\n",
            "computetarget",
            "attach",
            "--name",
            "pw",
            "--type",
            "remote",
            "--address",
            address,
            "--username",
            SSHD.passwordUser,
            "--password-stdin",
            "--accept-new-host-key");
    assertThat(r.code()).as(r.toString()).isZero();
    String compute = Files.readString(p.project.resolve("aml_config/pw.compute"));
    assertThat(compute).contains("enc:v1:").doesNotContain(password);
    Cli.Result run = p.submit("-c", "pw", "hello.py");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).contains("hello from " + SSHD.passwordUser);
    assertThat(run.out() + run.err() + r.out() + r.err()).doesNotContain(password);

    Cli.Result wrong =
        p.cli.run(
            p.project,
            "not-" + password + "\n",
            "computetarget",
            "attach",
            "--name",
            "pw2",
            "--type",
            "remote",
            "--address",
            address,
            "--username",
            SSHD.passwordUser,
            "--password-stdin",
            "--accept-new-host-key");
    oneLineError(wrong, "refused: wrong password");
    assertThat(wrong.code()).isEqualTo(5);
    assertThat(wrong.err()).doesNotContain(password);
    assertThat(p.project.resolve("aml_config/pw2.compute")).doesNotExist();
  }

  @Test
  void unreachableHostsAndRejectedKeysAreOneLineErrors() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }
    address = "127.0.0.2:" + closed;
    Cli.Result r = attach("down", "--accept-new-host-key");
    oneLineError(r, "cannot connect to 127.0.0.2:" + closed + " (target down): connection refused");
    assertThat(r.code()).isEqualTo(5);
    assertThat(attach("down", "--no-connect").code()).isZero();
    Cli.Result submit = p.submit("-c", "down", "hello.py");
    oneLineError(submit, "connection refused");
    assertThat(submit.code()).isEqualTo(5);

    address = SSHD.host + ":" + SSHD.port;
    Path stranger = tmp.resolve("stranger");
    TestSshd.exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString());
    Cli.Result key =
        p.cli.in(
            p.project,
            "computetarget",
            "attach",
            "--name",
            "nokey",
            "--type",
            "remote",
            "--address",
            address,
            "--username",
            SSHD.keyUser,
            "--ssh-key",
            stranger.toString(),
            "--accept-new-host-key");
    oneLineError(key, "the key " + stranger + " was not accepted");
    assertThat(key.code()).isEqualTo(5);
  }

  @Test
  void aCutConnectionMidRunLosesAndRepeatsNothing() throws Exception {
    assertThat(attach("gpu1", "--accept-new-host-key").code()).isZero();
    p.write(
        "count.py",
        "import time\n"
            + "for i in range(40):\n"
            + "    print('line', i, flush=True)\n"
            + "    time.sleep(0.1)\n");
    CompletableFuture<Cli.Result> submit =
        CompletableFuture.supplyAsync(() -> p.submit("-c", "gpu1", "count.py"));
    awaitRemoteLine("line 8");
    assertThat(SSHD.cutConnectionsOfThisProcess())
        .as("the sshd processes serving this test's connection")
        .isNotEmpty();
    Cli.Result r = submit.get();
    assertThat(r.code()).as(r.toString()).isZero();
    assertEachLineOnce(r.out());
  }

  @Test
  void aRunOutlivesItsClientAndLogsFollowResumesAfterACut() throws Exception {
    assertThat(attach("gpu1", "--accept-new-host-key").code()).isZero();
    p.write(
        "count.py",
        "import time\n"
            + "for i in range(40):\n"
            + "    print('line', i, flush=True)\n"
            + "    time.sleep(0.1)\n");
    Cli.Result detached = p.submit("-c", "gpu1", "--detach", "count.py");
    assertThat(detached.code()).as(detached.toString()).isZero();
    String runId = detached.out().strip();
    CompletableFuture<Cli.Result> follow =
        CompletableFuture.supplyAsync(
            () -> p.cli.in(p.project, "experiment", "logs", "-r", runId, "--follow"));
    awaitRemoteLine("line 12");
    assertThat(SSHD.cutConnectionsOfThisProcess()).isNotEmpty();
    Cli.Result r = follow.get();
    assertThat(r.code()).as(r.toString()).isZero();
    assertEachLineOnce(r.out());
    assertThat(p.cli.in(p.project, "experiment", "status", "-r", runId).out())
        .contains("Completed");
  }

  @Test
  void anUnwatchedRunIsCollectedWhenLabrunNextLooks() throws Exception {
    assertThat(attach("gpu1", "--accept-new-host-key").code()).isZero();
    p.write(
        "quick.py",
        "import os\n"
            + "os.makedirs('outputs', exist_ok=True)\n"
            + "open('outputs/done.txt', 'w').write('ok')\n"
            + "print('done')\n");
    String runId = p.submit("-c", "gpu1", "--detach", "quick.py").out().strip();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.exists(p.remoteRunDir(runId).resolve("exit.json")));
    Cli.Result status = p.cli.in(p.project, "experiment", "status", "-r", runId, "-o", "json");
    assertThat(status.out()).contains("Completed");
    try (var store = p.store()) {
      assertThat(store.find(runId).orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(store.artifacts(runId))
          .extracting(a -> a.path())
          .containsExactly("outputs/done.txt");
    }
    assertThat(p.cli.in(p.project, "experiment", "logs", "-r", runId).out()).isEqualTo("done\n");
  }

  /**
   * Exit code 5 and one line saying what is wrong (a submit may say which run it had made first).
   */
  static void oneLineError(Cli.Result r, String expected) {
    oneLineError(r, 5, expected);
  }

  static void oneLineError(Cli.Result r, int exitCode, String expected) {
    assertThat(r.code()).as(r.toString()).isEqualTo(exitCode);
    assertThat(r.err().lines().filter(l -> l.startsWith("labrun: ")).toList())
        .as(r.toString())
        .hasSize(1)
        .first()
        .asString()
        .contains(expected);
    assertThat(r.err()).as(r.toString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  private void awaitRemoteLine(String line) {
    Path runs = Path.of("/home", SSHD.keyUser, ".labrun/runs");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              try (var dirs = Files.list(runs)) {
                return dirs.map(d -> d.resolve("output.log"))
                    .filter(Files::isRegularFile)
                    .anyMatch(
                        f -> {
                          try {
                            return Files.readString(f).contains("\t" + line + "\n")
                                && f.toString().contains(p.lastRunId());
                          } catch (IOException e) {
                            return false;
                          }
                        });
              }
            });
  }

  private static void assertEachLineOnce(String out) {
    assertThat(out.lines().filter(l -> l.startsWith("line ")).toList())
        .containsExactlyElementsOf(IntStream.range(0, 40).mapToObj(i -> "line " + i).toList());
  }
}
