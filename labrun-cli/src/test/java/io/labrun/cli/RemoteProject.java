package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.history.RunStore;
import io.labrun.ssh.TestSshd;
import io.labrun.store.SqlRunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A project with targets on the test OpenSSH server ({@code remote}, or any kind with an address),
 * driven through the CLI; its labrun home is in {@code tmp}.
 */
public final class RemoteProject {
  static final TestSshd SSHD = TestSshd.get();
  final Path tmp;
  public final Path project;
  public final Cli cli;

  public RemoteProject(Path tmp) {
    this.tmp = tmp;
    this.cli = new Cli(tmp);
    this.project = tmp.resolve("proj");
    Cli.Result init = cli.in(tmp, "project", "init", "proj");
    assertThat(init.code()).as(init.toString()).isZero();
  }

  /** Attaches the key user as target {@code name} of type remote, trusting the host key. */
  RemoteProject attachKeyUser(String name) {
    return attachKeyUser(name, "remote");
  }

  /** Attaches the key user as target {@code name} of {@code type}, trusting the host key. */
  public RemoteProject attachKeyUser(String name, String type) {
    Cli.Result r =
        cli.in(
            project,
            "computetarget",
            "attach",
            "--name",
            name,
            "--type",
            type,
            "--address",
            SSHD.host + ":" + SSHD.port,
            "--username",
            SSHD.keyUser,
            "--ssh-key",
            SSHD.key.toString(),
            "--accept-new-host-key");
    assertThat(r.code()).as(r.toString()).isZero();
    return this;
  }

  Cli.Result submit(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "experiment";
    all[1] = "submit";
    System.arraycopy(args, 0, all, 2, args.length);
    return cli.in(project, all);
  }

  void write(String name, String content) {
    try {
      Files.createDirectories(project.resolve(name).getParent());
      Files.writeString(project.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String lastRunId() {
    return cli.in(project, "history", "list", "-n", "1", "-o", "json", "--query", "[0].run_id")
        .out()
        .strip()
        .replace("\"", "");
  }

  static String runId(Cli.Result submitted) {
    return submitted
        .err()
        .lines()
        .filter(l -> l.startsWith("RunId: "))
        .findFirst()
        .orElseThrow(() -> new AssertionError(submitted.toString()))
        .substring(7);
  }

  /** The run's folder on the host (the test host is this machine, and the tests run as root). */
  public Path remoteRunDir(String runId) {
    return Path.of("/home", SSHD.keyUser, ".labrun/runs", runId);
  }

  public RunStore store() {
    return SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"));
  }
}
