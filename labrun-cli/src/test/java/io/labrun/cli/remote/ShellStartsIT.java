package io.labrun.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.DockerTestEngine;
import io.labrun.cli.spark.SparkCluster;
import io.labrun.ssh.SshConnectionPool;
import io.labrun.ssh.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How often the host's login shell starts, with the {@code ~/.bashrc} it reads (200 ms for the
 * test's slow user, as pyenv or conda init lines cost), for what users do on the SSH targets: a
 * submit starts it at most once (on a new connection; never on a connection kept from the last
 * command), a status poll at most once (on a new connection, for the runner that reads its files;
 * never on a kept one), the end of a run never, a cancel at most once, and a sweep of five runs at
 * most once in all. Counted by the slow user's {@code ~/.bashrc} itself. The same again on the test
 * server whose SFTP subsystem is OpenSSH's separate {@code sftp-server} (Debian's default), which
 * sshd starts through that shell too: files go through labrun's runner, so no connection starts the
 * shell twice (once for SFTP, once for the runner).
 */
class ShellStartsIT {
  TestSshd sshd = TestSshd.get();
  @TempDir Path tmp;
  Path project;
  Cli cli;
  Duration idle = SshConnectionPool.shared().idleTimeout();

  @AfterEach
  void keepConnectionsAgain() {
    SshConnectionPool.shared().idleTimeout(idle);
  }

  @Test
  void remote() throws Exception {
    onRemote();
  }

  @Test
  void remoteDocker() throws Exception {
    onRemoteDocker();
  }

  @Test
  void clusterHeadNode() throws Exception {
    onClusterHeadNode();
  }

  @Test
  void remoteWithExternalSftpServer() throws Exception {
    sshd = TestSshd.externalSftp();
    onRemote();
  }

  @Test
  void remoteDockerWithExternalSftpServer() throws Exception {
    sshd = TestSshd.externalSftp();
    onRemoteDocker();
  }

  @Test
  void clusterHeadNodeWithExternalSftpServer() throws Exception {
    sshd = TestSshd.externalSftp();
    onClusterHeadNode();
  }

  private void onRemote() throws Exception {
    init(new Cli(tmp), List.of("--type", "remote"));
    check();
  }

  private void onRemoteDocker() throws Exception {
    init(
        DockerTestEngine.cli(tmp),
        List.of("--type", "remotedocker", "--base-docker-image", DockerTestEngine.BASE_IMAGE));
    check();
  }

  private void onClusterHeadNode() throws Exception {
    SparkCluster spark = SparkCluster.require();
    init(
        spark.cli(tmp),
        List.of(
            "--type",
            "cluster",
            "--spark-submit-location",
            spark.sparkHome.resolve("bin/spark-submit").toString(),
            "--spark-master",
            spark.master));
    check();
  }

  private void init(Cli c, List<String> type) throws Exception {
    cli = c;
    project = tmp.resolve("proj");
    assertThat(cli.in(tmp, "project", "init", "proj").code()).isZero();
    List<String> attach =
        new ArrayList<>(
            List.of(
                "computetarget",
                "attach",
                "--name",
                "slow",
                "--address",
                sshd.host + ":" + sshd.port,
                "--username",
                sshd.slowUser(),
                "--ssh-key",
                sshd.key.toString(),
                "--accept-new-host-key"));
    attach.addAll(type);
    Cli.Result r = cli.in(project, attach.toArray(String[]::new));
    assertThat(r.code()).as(r.toString()).isZero();
    Files.writeString(project.resolve("hi.py"), "import sys\nprint('hi', sys.argv[1:])\n");
    Files.writeString(
        project.resolve("wait.py"), "import time\nprint('waiting', flush=True)\ntime.sleep(300)\n");
    Cli.Result first =
        cli.in(
            project,
            "experiment",
            "submit",
            "-c",
            "slow",
            "hi.py"); // the environment, labrun's files on the host
    assertThat(first.code()).as(first.toString()).isZero();
  }

  private void check() throws Exception {
    SshConnectionPool.shared()
        .idleTimeout(
            Duration.ZERO); // each command on a new connection, as a labrun process of its own has
    assertThat(starts(() -> ok("experiment", "submit", "-c", "slow", "hi.py", "fresh")))
        .as("a submit on a new connection")
        .isLessThanOrEqualTo(1);

    SshConnectionPool.shared()
        .idleTimeout(Duration.ofMinutes(5)); // the resident labrun's and the server's case
    ok("experiment", "submit", "-c", "slow", "hi.py", "warming");
    assertThat(starts(() -> ok("experiment", "submit", "-c", "slow", "hi.py", "kept")))
        .as("a submit on a kept connection")
        .isZero();

    String[] id = new String[1];
    assertThat(
            starts(
                () ->
                    id[0] =
                        ok("experiment", "submit", "-c", "slow", "--detach", "wait.py")
                            .out()
                            .strip()))
        .isZero();
    await()
        .atMost(Duration.ofSeconds(180))
        .until(() -> cli.in(project, "experiment", "logs", "-r", id[0]).out().contains("waiting"));
    assertThat(
            starts(
                () -> {
                  for (int i = 0; i < 3; i++) {
                    assertThat(ok("experiment", "status", "-r", id[0]).out()).contains("Running");
                  }
                }))
        .as("status polls")
        .isZero();

    SshConnectionPool.shared().idleTimeout(Duration.ZERO);
    assertThat(starts(() -> ok("experiment", "status", "-r", id[0])))
        .as("a status poll on a new connection: its files are read through the runner")
        .isLessThanOrEqualTo(1);
    assertThat(starts(() -> ok("experiment", "cancel", "-r", id[0])))
        .as("a cancel on a new connection")
        .isLessThanOrEqualTo(1);
    assertThat(
            starts(
                () ->
                    await()
                        .atMost(Duration.ofSeconds(120))
                        .until(
                            () ->
                                ok("experiment", "status", "-r", id[0])
                                    .out()
                                    .contains("Canceled"))))
        .as("polls until the end of the run, its collection")
        .isZero();

    String ends =
        ok("experiment", "submit", "-c", "slow", "--detach", "hi.py", "ends").out().strip();
    long[] most = {0};
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> {
              String[] status = new String[1];
              most[0] =
                  Math.max(
                      most[0],
                      starts(() -> status[0] = ok("experiment", "status", "-r", ends).out()));
              return status[0].contains("Completed");
            });
    assertThat(most[0])
        .as("each status poll on a new connection, the one that collects the ended run too")
        .isLessThanOrEqualTo(1);

    long sweep =
        starts(
            () -> {
              Cli.Result r =
                  ok(
                      "experiment",
                      "sweep",
                      "-c",
                      "slow",
                      "hi.py",
                      "--positional",
                      "--grid",
                      "n=1..5",
                      "--parallel",
                      "5");
              assertThat(r.err() + r.out()).contains("5 runs, 5 Completed");
            });
    assertThat(sweep).as("a sweep of 5 runs on a new connection").isLessThanOrEqualTo(1);
  }

  /** Runs a command line that must succeed. */
  private Cli.Result ok(String... args) {
    Cli.Result r = cli.in(project, args);
    assertThat(r.code()).as(String.join(" ", args) + ": " + r).isZero();
    return r;
  }

  private interface Step {
    void run() throws Exception;
  }

  /** How many times the slow user's shell started during {@code step}. */
  private long starts(Step step) throws Exception {
    long before = sshd.shellStarts();
    step.run();
    return sshd.shellStarts() - before;
  }
}
