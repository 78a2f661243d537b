package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.history.RunStore;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.store.SqlRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environments of Docker and local targets, built for real: caching, the lock, local wheels,
 * failures.
 */
class DockerEnvironmentIT {
  @TempDir Path tmp;
  Path project;
  Cli cli;

  @BeforeEach
  void init() throws Exception {
    cli = DockerTestEngine.cli(tmp);
    project = tmp.resolve("envs");
    assertThat(cli.in(tmp, "project", "init", "envs").code()).isZero();
    Files.writeString(
        project.resolve("aml_config/docker.compute"),
        "type: docker\nbaseDockerImage: " + DockerTestEngine.BASE_IMAGE + "\n");
  }

  /** A conda file whose pip: list holds a wheel no other test has, so its environment is new. */
  private String freshWheel(String module) throws Exception {
    String version = "1.0." + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000);
    Wheels.build(project.resolve("wheels"), module, version, "VERSION = '" + version + "'\n");
    return "wheels/" + module + "-" + version + "-py3-none-any.whl";
  }

  private void condaFile(String text) throws Exception {
    Files.writeString(project.resolve("aml_config/conda_dependencies.yml"), text);
  }

  private static String envId(Cli.Result prepare) {
    return prepare.out().replaceAll("(?s).*Environment ([0-9a-f]{16}).*", "$1");
  }

  @Test
  void aSecondPrepareBuildsNothingAndReorderedOrCommentedSpecsAreHits() throws Exception {
    String wheel = freshWheel("cachedemo");
    condaFile("name: e\ndependencies:\n  - python=3.11\n  - pip:\n    - " + wheel + "\n");
    Cli.Result first = cli.in(project, "experiment", "prepare", "-c", "docker");
    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.out()).contains("built in");
    assertThat(first.err()).contains("build Step 1/");
    String id = envId(first);
    Cli.Result second = cli.in(project, "experiment", "prepare", "-c", "docker");
    assertThat(second.out()).contains("Environment " + id).contains("cached, nothing to build");
    assertThat(second.err()).doesNotContain("build Step");
    condaFile(
        "# reordered, with comments\n"
            + "name: other-name\n"
            + "dependencies:\n"
            + "  - pip:   # the wheels\n"
            + "    - "
            + wheel
            + "   # ours\n  # the interpreter\n  - python = 3.11\n");
    Cli.Result reordered = cli.in(project, "experiment", "prepare", "-c", "docker", "-o", "json");
    assertThat(reordered.code()).as(reordered.toString()).isZero();
    assertThat(reordered.out())
        .contains("\"environment_id\" : \"" + id + "\"")
        .contains("\"cached\" : true");
    assertThat(
            DockerTestEngine.docker(
                    "image",
                    "inspect",
                    "--format",
                    "{{index .Config.Labels \"io.labrun.managed\"}}",
                    "labrun-env:" + id)
                .output())
        .contains("true");
  }

  @Test
  void twoPreparesOfAMissingEnvironmentBuildItOnce() throws Exception {
    condaFile(
        "name: e\ndependencies:\n  - python=3.11\n  - pip:\n    - "
            + freshWheel("lockdemo")
            + "\n");
    Map<String, String> env = cli.environment();
    Process a =
        CliProcess.start(
            project, env, tmp.resolve("a.log"), "experiment", "prepare", "-c", "docker");
    Process b =
        CliProcess.start(
            project, env, tmp.resolve("b.log"), "experiment", "prepare", "-c", "docker");
    assertThat(a.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(b.waitFor(300, TimeUnit.SECONDS)).isTrue();
    String logA = Files.readString(tmp.resolve("a.log"));
    String logB = Files.readString(tmp.resolve("b.log"));
    assertThat(a.exitValue()).as(logA).isZero();
    assertThat(b.exitValue()).as(logB).isZero();
    List<String> logs = List.of(logA, logB);
    assertThat(logs.stream().filter(l -> l.contains("build Step 1/")))
        .as("exactly one build")
        .hasSize(1);
    assertThat(logs.stream().filter(l -> l.contains("cached, nothing to build"))).hasSize(1);
    assertThat(
            logs.stream()
                .filter(l -> l.contains("waiting for another labrun that is building environment")))
        .hasSize(1);
  }

  @Test
  void aLocalWheelInThePipListIsInstalledAndUsableByTheRun() throws Exception {
    condaFile(
        "name: e\ndependencies:\n  - python=3.11\n  - pip:\n    - "
            + freshWheel("wheeldemo")
            + "\n");
    Files.writeString(
        project.resolve("use.py"), "import wheeldemo\nprint('wheeldemo', wheeldemo.VERSION)\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "docker", "use.py");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("wheeldemo 1.0.");
    String runId = r.err().replaceAll("(?s).*RunId: (\\S+).*", "$1");
    assertThat(tmp.resolve("labrun/data/runs/" + runId + "/build.log"))
        .as("the build log is kept with the run")
        .content()
        .contains("Successfully installed wheeldemo");
  }

  @Test
  void aCondaOnlyPackageOnAnImageWithoutCondaIsNamed() throws Exception {
    condaFile("name: e\ndependencies:\n  - python=3.11\n  - cudatoolkit=11.8\n");
    Files.writeString(
        project.resolve("aml_config/docker.runconfig"),
        "Target: docker\nPrepareEnvironment: true\nEnvironmentVariables:\n  PIP_NO_INDEX: \"1\"\n");
    Cli.Result r = cli.in(project, "experiment", "prepare", "-c", "docker");
    assertErrorLine(
        r, 4, "'cudatoolkit=11.8' from the conda dependencies cannot be installed with pip");
    assertThat(r.err())
        .contains("use a base image with conda")
        .contains("move it to the pip: list");
  }

  @Test
  void aFailingBuildStepShowsTheStepAndTheTailOfItsLog() throws Exception {
    Files.writeString(
        project.resolve("aml_config/noconda.compute"),
        "type: docker\nbaseDockerImage: " + DockerTestEngine.BASE_IMAGE + "\n");
    condaFile("name: e\ndependencies:\n  - python=3.99\n");
    Cli.Result r = cli.in(project, "experiment", "prepare", "-c", "docker");
    assertErrorLine(r, 4, "ask for python=3.99 but this Python is 3.11");
    assertThat(r.err()).contains("(step 3/").contains("build log:");
  }

  @Test
  void prepareEnvironmentFalseFailsFastWhenTheImageIsMissing() throws Exception {
    condaFile(
        "name: e\ndependencies:\n  - python=3.11\n  - pip:\n    - "
            + freshWheel("missingdemo")
            + "\n");
    Files.writeString(
        project.resolve("aml_config/docker.runconfig"),
        "Target: docker\nPrepareEnvironment: false\n");
    Files.writeString(project.resolve("x.py"), "print('never')\n");
    long t0 = System.nanoTime();
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "docker", "x.py");
    assertThat((System.nanoTime() - t0) / 1_000_000)
        .as("fails fast, builds nothing")
        .isLessThan(10_000);
    assertErrorLine(r, 4, "run 'labrun experiment prepare -c docker' first");
    assertThat(r.err().strip().lines()).as("nothing but the error").hasSize(1);
    try (RunStore store = SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"))) {
      assertThat(store.unfinished()).isEmpty();
      assertThat(store.list(RunQuery.all()))
          .singleElement()
          .satisfies(run -> assertThat(run.status()).isEqualTo(RunStatus.FAILED));
    }
  }

  @Test
  void theLocalTargetMakesACachedVenvWhenAskedTo() throws Exception {
    condaFile("name: e\ndependencies:\n  - pip:\n    - " + freshWheel("venvdemo") + "\n");
    Files.writeString(
        project.resolve("aml_config/local.runconfig"), "Target: local\nPrepareEnvironment: true\n");
    // Local venvs are labrun's own addition: asked for by a key only labrun writes, never by
    // PrepareEnvironment alone.
    Path compute = project.resolve("aml_config/local.compute");
    Files.writeString(compute, Files.readString(compute) + "\nlabrunLocalVenv: true\n");
    Files.writeString(
        project.resolve("use.py"),
        "import sys, venvdemo\nprint('venvdemo', venvdemo.VERSION, sys.prefix)\n");
    Cli.Result first = cli.in(project, "experiment", "submit", "-c", "local", "use.py");
    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.out())
        .contains("venvdemo 1.0.")
        .contains(tmp.resolve("labrun/data/envs/venvs").toString());
    assertThat(first.err()).contains("building environment");
    Cli.Result second = cli.in(project, "experiment", "submit", "-c", "local", "use.py");
    assertThat(second.code()).as(second.toString()).isZero();
    assertThat(second.err()).doesNotContain("building environment");
    Cli.Result prepare = cli.in(project, "experiment", "prepare", "-c", "local");
    assertThat(prepare.out()).contains("cached, nothing to build");
  }

  /**
   * The command failed with {@code code}, its last line is labrun's one-line error, and no stack
   * trace.
   */
  static void assertErrorLine(Cli.Result r, int code, String expected) {
    assertThat(r.code()).as(r.toString()).isEqualTo(code);
    List<String> lines = r.err().strip().lines().toList();
    assertThat(lines.get(lines.size() - 1))
        .as(r.toString())
        .startsWith("labrun: ")
        .contains(expected);
    assertThat(r.err()).as(r.toString()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}
