package io.labrun.cli.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.RemoteProject;
import io.labrun.compute.slurm.TestSlurm;
import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.ssh.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code experiment clean} visiting an SSH login that a {@code slurm} target (login-node form)
 * shares with a {@code remote} one, against the real Slurm of scripts/test-env/slurm.sh: the
 * folders of Slurm runs that go on, or that a labrun has still to collect, stay.
 */
class SlurmCleanIT {
  static final TestSlurm SLURM = TestSlurm.get();
  static final TestSshd SSHD = TestSshd.get();
  @TempDir Path tmp;

  @Test
  void aHeldJobKeepsItsFolderThroughCleanAndRunsOnceReleased() throws Exception {
    RemoteProject p = new RemoteProject(tmp).attachKeyUser("box", "remote");
    p.attachKeyUser("login", "slurm");
    Files.writeString(
        p.project.resolve("aml_config/login.compute"),
        "partition: " + SLURM.partition + "\nsbatchOptions:\n  - --hold\n",
        StandardOpenOption.APPEND);
    Files.writeString(p.project.resolve("later.py"), "print('ran after release')\n");
    Files.writeString(p.project.resolve("now.py"), "print('ran on the box')\n");
    Cli.Result box = p.cli.in(p.project, "experiment", "submit", "-c", "box", "now.py");
    assertThat(box.code()).as(box.toString()).isZero();
    Cli.Result held =
        p.cli.in(p.project, "experiment", "submit", "-c", "login", "--detach", "later.py");
    assertThat(held.code()).as(held.toString()).isZero();
    String id = held.out().strip();
    String job = run(p, id).attributes().get("slurm_job_id");
    assertThat(SLURM.state(job)).contains("PENDING");

    Cli.Result clean = p.cli.in(p.project, "experiment", "clean", "--no-docker");

    assertThat(clean.code()).as(clean.toString()).isZero();
    assertThat(clean.out()).contains("finished run folders on " + SSHD.host + ":" + SSHD.port);
    assertThat(p.remoteRunDir(id).resolve("work/later.py")).as("the held run's folder").exists();
    assertThat(p.remoteRunDir(id).resolve("launch.json")).exists();
    SLURM.release(job);
    Cli.Result logs = p.cli.in(p.project, "experiment", "logs", "-r", id, "--follow");
    assertThat(logs.code()).as(logs.toString()).isZero();
    assertThat(logs.out()).contains("ran after release");
    assertThat(run(p, id).status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aRunAnotherLabrunHomeHasStillToCollectKeepsItsFolder() throws Exception {
    // home A: a Slurm run on the login that ends while no labrun of A watches it
    RemoteProject a =
        new RemoteProject(Files.createDirectories(tmp.resolve("a")))
            .attachKeyUser("login", "slurm");
    Files.writeString(
        a.project.resolve("aml_config/login.compute"),
        "partition: " + SLURM.partition + "\n",
        StandardOpenOption.APPEND);
    Files.writeString(
        a.project.resolve("work.py"),
        "open('outputs/model.txt', 'w').write('weights')\nprint('done')\n");
    Cli.Result r =
        a.cli.in(a.project, "experiment", "submit", "-c", "login", "--detach", "work.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = r.out().strip();
    await("the job ends with nobody watching")
        .atMost(Duration.ofSeconds(60))
        .until(() -> SLURM.jobsOf(id).isEmpty());
    assertThat(run(a, id).status().isFinal()).as("A has not recorded its end").isFalse();

    // home B (another machine of the same user, a server): a remote target on the same login
    RemoteProject b =
        new RemoteProject(Files.createDirectories(tmp.resolve("b"))).attachKeyUser("box", "remote");
    Cli.Result clean = b.cli.in(b.project, "experiment", "clean", "--no-docker");
    assertThat(clean.code()).as(clean.toString()).isZero();
    assertThat(a.remoteRunDir(id).resolve("exit.json")).exists();

    Cli.Result s = a.cli.in(a.project, "experiment", "status", "-r", id);
    assertThat(s.out()).as(s.toString()).contains("Completed");
    Path dl = tmp.resolve("dl");
    Cli.Result d = a.cli.in(a.project, "history", "download", "-r", id, "-d", dl.toString());
    assertThat(d.code()).as(d.toString()).isZero();
    assertThat(dl.resolve("outputs/model.txt")).hasContent("weights");
  }

  private static Run run(RemoteProject p, String id) {
    try (RunStore store = p.store()) {
      return store.find(id).orElseThrow();
    }
  }
}
