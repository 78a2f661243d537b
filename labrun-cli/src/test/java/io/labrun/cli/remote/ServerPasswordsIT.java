package io.labrun.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import io.labrun.cli.server.RunningServer;
import io.labrun.ssh.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target that logs in with a password, attached on a laptop (the password encrypted with the
 * laptop's key), submitted through a server: the server says in one line that it lacks the password
 * and how its operator gives it one; once given ({@code labrun server secret set}), the run
 * executes on the real OpenSSH server of the test environment, logged in as its password user. The
 * password never appears in any output, and is stored only encrypted.
 */
class ServerPasswordsIT {
  private static final TestSshd SSHD = TestSshd.get();

  @TempDir(cleanup = CleanupMode.NEVER)
  Path tmp;

  @AfterEach
  void removeTemp() {
    ServerTemp.remove(tmp);
  }

  @Test
  void theServerRunsAPasswordTargetOnlyWithThePasswordItsOperatorGaveIt() throws Exception {
    String password = SSHD.password().strip();
    Cli serverSide = new Cli(tmp.resolve("server-host"));
    Files.createDirectories(tmp.resolve("server-host"));
    String token = serverSide.in(tmp, "server", "token", "create", "--name", "alice").out().strip();
    Cli laptop = new Cli(tmp.resolve("laptop"));
    Path work = Files.createDirectories(tmp.resolve("laptop/work"));
    assertThat(laptop.in(work, "project", "init", "iris").code()).isZero();
    Path project = work.resolve("iris");
    Files.writeString(
        project.resolve("train.py"), "import getpass\nprint('ran as', getpass.getuser())\n");
    Cli.Result attach =
        laptop.run(
            project,
            password + "\n",
            "computetarget",
            "attach",
            "--name",
            "pwbox",
            "--type",
            "remote",
            "--address",
            SSHD.host + ":" + SSHD.port,
            "--username",
            SSHD.passwordUser,
            "--password-stdin",
            "--host-key-fingerprint",
            SSHD.fingerprint());
    assertThat(attach.code()).as(attach.toString()).isZero();
    assertThat(Files.readString(project.resolve("aml_config/pwbox.compute")))
        .contains("enc:v1:")
        .doesNotContain(password);

    try (RunningServer server = new RunningServer(serverSide, tmp)) {
      Cli client = laptop.env("LABRUN_SERVER", server.url()).env("LABRUN_TOKEN", token);
      String login = SSHD.passwordUser + "@" + SSHD.host + ":" + SSHD.port;
      Cli.Result refused = client.in(project, "experiment", "submit", "-c", "pwbox", "train.py");
      assertThat(refused.code()).as(refused.toString()).isEqualTo(2);
      assertThat(refused.err().lines().filter(l -> l.startsWith("labrun:")))
          .singleElement()
          .asString()
          .contains(
              "compute target pwbox logs in to "
                  + login
                  + " with a password this server does not have")
          .contains("labrun server secret set " + login + " --password-stdin");
      assertThat(
              client
                  .in(project, "history", "list", "-o", "json", "--query", "[?status=='Queued']")
                  .out()
                  .strip())
          .as("nothing was queued")
          .isEqualTo("[ ]");

      Cli.Result set =
          serverSide.run(
              tmp, password + "\n", "server", "secret", "set", login, "--password-stdin");
      assertThat(set.code()).as(set.toString()).isZero();
      assertThat(set.out())
          .isEqualTo("Stored the password for " + login + " (encrypted with this server's key).\n");
      Path secrets = tmp.resolve("server-host/labrun/config/server-secrets");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)))
          .isEqualTo("rw-------");
      assertThat(Files.readString(secrets))
          .startsWith(login + "\tenc:v1:")
          .doesNotContain(password);
      assertThat(serverSide.in(tmp, "server", "secret", "list").out())
          .contains(login)
          .doesNotContain(password);
      assertThat(
              serverSide
                  .in(tmp, "server", "secret", "set", "no-at-sign", "--password-stdin")
                  .code())
          .isEqualTo(2);

      Cli.Result ran = client.in(project, "experiment", "submit", "-c", "pwbox", "train.py");
      assertThat(ran.code()).as(ran.toString() + server.output()).isZero();
      assertThat(ran.out()).contains("ran as " + SSHD.passwordUser);
      String runId =
          ran.err()
              .lines()
              .filter(l -> l.startsWith("RunId: "))
              .findFirst()
              .orElseThrow()
              .split(" ")[1];
      Cli.Result info = client.in(project, "history", "info", "-r", runId, "-o", "json");
      assertThat(info.out()).contains("\"status\" : \"Completed\"");
      for (Cli.Result r : new Cli.Result[] {refused, set, ran, info, attach}) {
        assertThat(r.out() + r.err()).doesNotContain(password);
      }
      assertThat(server.output()).doesNotContain(password);

      assertThat(serverSide.in(tmp, "server", "secret", "remove", login).code()).isZero();
      assertThat(client.in(project, "experiment", "submit", "-c", "pwbox", "train.py").code())
          .as("forgotten again")
          .isEqualTo(2);
    }
  }
}
