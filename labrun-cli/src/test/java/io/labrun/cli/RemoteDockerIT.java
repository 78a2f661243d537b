package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.ssh.TestSshd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remotedocker target beyond the contract: the environment image is the one the Docker target
 * builds for the same spec (same hash, same tag), and experiment clean frees what labrun left on
 * the host. The test host's engine is the test Docker engine itself.
 */
class RemoteDockerIT {
  static final TestSshd SSHD = TestSshd.get();
  @TempDir Path tmp;
  Cli cli;
  Path project;

  @BeforeEach
  void init() throws Exception {
    cli = DockerTestEngine.cli(tmp);
    project = tmp.resolve("proj");
    assertThat(cli.in(tmp, "project", "init", "proj").code()).isZero();
    Files.writeString(
        project.resolve("aml_config/docker.compute"),
        "type: docker\nbaseDockerImage: " + DockerTestEngine.BASE_IMAGE + "\n");
    Cli.Result r =
        cli.in(
            project,
            "computetarget",
            "attach",
            "--name",
            "gpu1",
            "--type",
            "remotedocker",
            "--address",
            SSHD.host + ":" + SSHD.port,
            "--username",
            SSHD.keyUser,
            "--ssh-key",
            SSHD.key.toString(),
            "--accept-new-host-key",
            "--base-docker-image",
            DockerTestEngine.BASE_IMAGE);
    assertThat(r.code()).as(r.toString()).isZero();
  }

  @Test
  void theEnvironmentImageIsTheDockerTargetsOne() {
    Cli.Result local = cli.in(project, "experiment", "prepare", "-c", "docker", "-o", "json");
    assertThat(local.code()).as(local.toString()).isZero();
    Cli.Result remote = cli.in(project, "experiment", "prepare", "-c", "gpu1", "-o", "json");
    assertThat(remote.code()).as(remote.toString()).isZero();
    String id = field(local.out(), "environment_id");
    assertThat(field(remote.out(), "environment_id")).isEqualTo(id);
    assertThat(field(remote.out(), "reference")).isEqualTo("labrun-env:" + id);
    assertThat(remote.out())
        .as("found by its hash on the host's engine, not built again")
        .contains("\"cached\" : true");
  }

  @Test
  void cleanFreesTheHostsCacheAndRunFolders() throws Exception {
    Files.writeString(project.resolve("hello.py"), "print('hello', " + System.nanoTime() + ")\n");
    Cli.Result run = cli.in(project, "experiment", "submit", "-c", "gpu1", "hello.py");
    assertThat(run.code()).as(run.toString()).isZero();
    // --no-docker: here the host's engine is also this machine's, whose cleaning would take the
    // image first
    Cli.Result clean = cli.in(project, "experiment", "clean", "--no-docker");
    assertThat(clean.code()).as(clean.toString()).isZero();
    assertThat(clean.out())
        .contains("removed labrun's object cache and")
        .contains("finished run folders on " + SSHD.host + ":" + SSHD.port);
    assertThat(clean.out())
        .containsPattern("(removed|kept) image labrun-env:[0-9a-f]+ on " + SSHD.host);
    assertThat(Path.of("/home", SSHD.keyUser, ".labrun/objects")).doesNotExist();
    Cli.Result again = cli.in(project, "experiment", "submit", "-c", "gpu1", "hello.py");
    assertThat(again.code())
        .as("the next run sends and builds what it needs again: " + again)
        .isZero();
  }

  @Test
  void argumentsAndEnvironmentReachTheScriptInTheContainerExactly() throws Exception {
    Files.writeString(
        project.resolve("aml_config/gpu1.runconfig"),
        """
        ArgumentVector: ["$file"]
        Target: gpu1
        PrepareEnvironment: true
        EnvironmentVariables:
          WEIRD: "a'b\\"c $HOME; rm -rf x `id` \\n done"
        """);
    Files.writeString(
        project.resolve("env.py"),
        "import json, os, sys\n"
            + "print(json.dumps(sys.argv[1:]))\n"
            + "print(json.dumps(os.environ['WEIRD']))\n");
    Cli.Result r =
        cli.in(
            project,
            "experiment",
            "submit",
            "-c",
            "gpu1",
            "env.py",
            "a b",
            "it's",
            "$HOME;x",
            "new\nline",
            "");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("[\"a b\", \"it's\", \"$HOME;x\", \"new\\nline\", \"\"]")
        .contains("\"a'b\\\"c $HOME; rm -rf x `id` \\n done\"");
  }

  @Test
  void aCutConnectionMidRunLosesAndRepeatsNothing() throws Exception {
    Files.writeString(
        project.resolve("aml_config/gpu1.runconfig"),
        "ArgumentVector: [\"$file\"]\nTarget: gpu1\nPrepareEnvironment: true\n");
    // A token of this run's own: other tests and builds on this host run such scripts too.
    String token = "t" + System.nanoTime();
    Files.writeString(
        project.resolve("count.py"),
        "import time\nfor i in range(40):\n    print('line', i, '"
            + token
            + "', flush=True)\n    time.sleep(0.1)\n");
    CompletableFuture<Cli.Result> submit =
        CompletableFuture.supplyAsync(
            () -> cli.in(project, "experiment", "submit", "-c", "gpu1", "count.py"));
    Path runs = Path.of("/home", SSHD.keyUser, ".labrun/runs");
    Awaitility.await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> {
              try (var dirs = Files.list(runs)) {
                return dirs.map(d -> d.resolve("output.log"))
                    .filter(Files::isRegularFile)
                    .anyMatch(
                        f -> {
                          try {
                            return Files.readString(f).contains("\tline 8 " + token + "\n");
                          } catch (IOException e) {
                            return false;
                          }
                        });
              }
            });
    assertThat(SSHD.cutConnectionsOfThisProcess()).isNotEmpty();
    Cli.Result r = submit.get();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out().lines().filter(l -> l.startsWith("line ")).toList())
        .containsExactlyElementsOf(
            IntStream.range(0, 40).mapToObj(i -> "line " + i + " " + token).toList());
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\" : \"([^\"]*)\"").matcher(json);
    assertThat(m.find()).as(json).isTrue();
    return m.group(1);
  }
}
