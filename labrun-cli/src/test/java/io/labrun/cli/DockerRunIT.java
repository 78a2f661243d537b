package io.labrun.cli;

import static io.labrun.cli.DockerEnvironmentIT.assertErrorLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.store.SqlRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker runs against the real engine: GPUs asked for, shared volumes, labrun killed mid-run, the
 * engine down.
 */
class DockerRunIT {
  @TempDir Path tmp;
  Path project;
  Cli cli;

  @BeforeEach
  void init() throws Exception {
    cli = DockerTestEngine.cli(tmp);
    project = tmp.resolve("runs");
    assertThat(cli.in(tmp, "project", "init", "runs").code()).isZero();
    compute("docker", "");
  }

  private void compute(String name, String extra) throws Exception {
    Files.writeString(
        project.resolve("aml_config/" + name + ".compute"),
        "type: docker\nbaseDockerImage: " + DockerTestEngine.BASE_IMAGE + "\n" + extra);
    Files.writeString(
        project.resolve("aml_config/" + name + ".runconfig"),
        "Target: " + name + "\nPrepareEnvironment: true\n");
  }

  @Test
  void askingForGpusOnAnEngineWithoutThemIsOneLineAndLeavesNoContainer() throws Exception {
    compute("gpu", "nvidiaDocker: true\n");
    Files.writeString(project.resolve("x.py"), "print('no gpu here')\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "gpu", "x.py");
    assertErrorLine(
        r,
        4,
        "nvidiaDocker: true in aml_config/gpu.compute, but this Docker engine has no GPU support");
    assertThat(r.err())
        .contains("could not select device driver")
        .contains("NVIDIA Container Toolkit");
    Run run = onlyRun();
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(DockerTestEngine.containersOf(run.id())).isEmpty();
  }

  @Test
  void sharedVolumesMountTheWorkingFolderAndTheNativeSharedDirectory() throws Exception {
    Path share = tmp.resolve("share");
    compute("shared", "sharedVolumes: true\nnativeSharedDirectory: " + share + "\n");
    Files.writeString(
        project.resolve("share.py"),
        """
        import os
        d = os.environ["AZUREML_NATIVE_SHARE_DIRECTORY"]
        print("share", d)
        open(os.path.join(d, "from-run.txt"), "w").write("kept")
        os.makedirs("outputs", exist_ok=True)
        open("outputs/o.txt", "w").write("out")
        """);
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "shared", "share.py");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("share /azureml-share/");
    assertThat(share.resolve("runs/from-run.txt"))
        .as("written through the mount")
        .hasContent("kept");
    assertThat(r.err()).contains("outputs/o.txt");
    assertThat(onlyRun().attributes()).containsEntry("shared_volumes", "true");
  }

  @Test
  void aRunWhoseLabrunWasKilledIsReconciledByTheNextCommand() throws Exception {
    Files.writeString(
        project.resolve("slow.py"),
        """
        import os, time
        print("started", flush=True)
        time.sleep(3)
        os.makedirs("outputs", exist_ok=True)
        open("outputs/late.txt", "w").write("written after labrun died")
        print("finished", flush=True)
        """);
    Process labrun =
        CliProcess.start(
            project,
            cli.environment(),
            tmp.resolve("submit.log"),
            "experiment",
            "submit",
            "-c",
            "docker",
            "slow.py");
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> Files.readString(tmp.resolve("submit.log")).contains("started"));
    labrun.destroyForcibly().waitFor();
    Run running = onlyRun();
    assertThat(running.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(DockerTestEngine.containersOf(running.id()))
        .as("the container goes on without labrun")
        .hasSize(1);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                cli.in(project, "experiment", "status", "-r", running.id())
                    .out()
                    .contains("Completed"));
    Cli.Result info = cli.in(project, "history", "info", "-r", running.id());
    assertThat(info.out()).contains("outputs/late.txt");
    assertThat(cli.in(project, "experiment", "logs", "-r", running.id()).out())
        .contains("started\nfinished\n");
    assertThat(DockerTestEngine.containersOf(running.id())).as("removed once recorded").isEmpty();
  }

  @Test
  void aRunningContainerIsFollowedAgainAndAKilledSupervisorIsRecorded() throws Exception {
    Files.writeString(
        project.resolve("forever.py"), "import time\nprint('up', flush=True)\ntime.sleep(600)\n");
    Cli.Result r =
        cli.in(project, "experiment", "submit", "-c", "docker", "--detach", "forever.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = r.out().strip();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> cli.in(project, "experiment", "logs", "-r", id).out().contains("up"));
    assertThat(cli.in(project, "experiment", "status", "-r", id).out()).contains("Running");
    // The supervisor itself dies (as with the OOM killer): nobody writes exit.json.
    assertThat(
            DockerTestEngine.docker(
                    "kill", "--signal", "KILL", DockerTestEngine.containersOf(id).get(0))
                .code())
        .isZero();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> cli.in(project, "experiment", "status", "-r", id).out().contains("Failed"));
    Run run = onlyRun();
    assertThat(run.exitCode()).isEqualTo(137);
    assertThat(run.statusDetail())
        .contains("exit code 137")
        .contains("without its supervisor recording");
  }

  @Test
  void anEngineThatDoesNotAnswerIsOneLineAndTheRunIsRecordedFailed() throws Exception {
    Files.writeString(project.resolve("x.py"), "print(1)\n");
    Cli dead = new Cli(tmp).env("DOCKER_HOST", "unix://" + tmp.resolve("no-engine.sock"));
    Cli.Result r = dead.in(project, "experiment", "submit", "-c", "docker", "x.py");
    assertErrorLine(
        r, 5, "cannot reach the Docker engine at unix://" + tmp.resolve("no-engine.sock"));
    assertThat(r.err()).contains("start Docker, or set DOCKER_HOST");
    assertThat(r.err().strip().lines()).hasSize(1);
    Run run = onlyRun();
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(dead.in(project, "experiment", "prepare", "-c", "docker").code()).isEqualTo(5);
  }

  @Test
  void aBaseImageTheEngineLacksAndCannotPullIsOneLine() throws Exception {
    Files.writeString(
        project.resolve("aml_config/docker.compute"),
        "type: docker\nbaseDockerImage: labrun-test/no-such-image:1\n");
    Cli.Result r = cli.in(project, "experiment", "prepare", "-c", "docker");
    assertErrorLine(
        r,
        4,
        "the base image labrun-test/no-such-image:1 (baseDockerImage in aml_config/docker.compute)"
            + " is not on this Docker engine and cannot be pulled");
  }

  @Test
  void projectInitsDockerTargetNamesARealImageAndItsPullFailureSaysWhichWhyAndTheFix()
      throws Exception {
    Path fresh = tmp.resolve("fresh");
    assertThat(cli.in(tmp, "project", "init", "fresh").code()).isZero();
    assertThat(Files.readString(fresh.resolve("aml_config/docker.compute")))
        .contains("baseDockerImage: \"continuumio/miniconda3:24.1.2-0\"")
        .contains("labrun computetarget set docker baseDockerImage=IMAGE");
    assertThat(
            DockerTestEngine.docker("image", "inspect", "continuumio/miniconda3:24.1.2-0").code())
        .as("not on the test engine")
        .isNotZero();
    Files.writeString(fresh.resolve("x.py"), "print(1)\n");
    Cli.Result r = cli.in(fresh, "experiment", "submit", "-c", "docker", "x.py");
    assertErrorLine(
        r,
        4,
        "the base image continuumio/miniconda3:24.1.2-0 (baseDockerImage in"
            + " aml_config/docker.compute) is not on this Docker engine and cannot be pulled: ");
    assertThat(r.err())
        .contains(
            "fix: 'docker pull continuumio/miniconda3:24.1.2-0' where the engine can reach its"
                + " registry")
        .contains("'labrun computetarget set docker baseDockerImage=IMAGE'");
  }

  @Test
  void untrackedRunsAreRefusedWithAClearMessage() throws Exception {
    Files.writeString(
        project.resolve("aml_config/quick.runconfig"), "Target: docker\nTrackedRun: false\n");
    Files.writeString(project.resolve("x.py"), "print(1)\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "quick", "x.py");
    assertErrorLine(r, 2, "TrackedRun: false is supported on local targets only");
  }

  private Run onlyRun() {
    try (RunStore store = SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"))) {
      return store.list(RunQuery.all()).get(0);
    }
  }
}
