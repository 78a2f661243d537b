package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs of 2018-format run configurations, end to end: the file's script and arguments on the {@code
 * local} target, {@code history.enabled: false}, and {@code environment.docker.enabled: true},
 * which runs a local target's script in a container of the test engine, from the base image as it
 * is or from an image labrun builds from the conda file.
 */
class Format2018RunIT {
  @TempDir Path tmp;
  Path project;
  Cli cli;

  @BeforeEach
  void init() throws Exception {
    cli = DockerTestEngine.cli(tmp);
    project = tmp.resolve("p2018");
    Files.createDirectories(project.resolve("aml_config"));
    Files.writeString(
        project.resolve("aml_config/local.compute"),
        "type: \"local\"\npythonLocation: \"python\"\n");
    Files.writeString(
        project.resolve("train.py"),
        """
        import os, sys
        print("argv", sys.argv[1:])
        print("env", os.environ.get("EXAMPLE_ENV_VAR"))
        print("python", sys.executable)
        os.makedirs("outputs", exist_ok=True)
        with open("outputs/result.txt", "w") as f:
            f.write(" ".join(sys.argv[1:]))
        """);
  }

  private void runconfig(String name, String docker, String python) throws Exception {
    Files.writeString(
        project.resolve("aml_config/" + name + ".runconfig"),
        """
        # The script to run.
        script: train.py
        arguments: [--epochs, 3]
        target: local
        framework: Python
        prepareEnvironment: true
        environment:
          environmentVariables:
            EXAMPLE_ENV_VAR: EXAMPLE_VALUE
          python:
        %s
            condaDependenciesFile: aml_config/conda_dependencies.yml
          docker:
        %s
        history:
          enabled: true
        batchai:
          nodeCount: 1
        """
            .formatted(python.indent(4).stripTrailing(), docker.indent(4).stripTrailing()));
  }

  /**
   * A conda file whose pip: list holds a wheel no other run has (so its environment is new);
   * returns the wheel's version.
   */
  private String condaFileWithFreshWheel(String module, String condaLines) throws Exception {
    String version = "1.0." + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000);
    Wheels.build(project.resolve("wheels"), module, version, "VERSION = '" + version + "'\n");
    Files.writeString(
        project.resolve("aml_config/conda_dependencies.yml"),
        "name: e\ndependencies:\n"
            + condaLines
            + "  - pip:\n    - wheels/"
            + module
            + "-"
            + version
            + "-py3-none-any.whl\n");
    return version;
  }

  private String lastRun(String field) {
    String id =
        cli.in(project, "history", "list", "-n", "1", "-o", "json", "--query", "[0].run_id")
            .out()
            .strip()
            .replace("\"", "");
    return cli.in(project, "history", "info", "-r", id, "-o", "json", "--query", field)
        .out()
        .strip()
        .replace("\"", "");
  }

  @Test
  void theFilesScriptRunsOnLocalWithItsArgumentsWhenTheCommandLineNamesNone() throws Exception {
    runconfig(
        "local",
        "enabled: false\nbaseImage: microsoft/mmlspark:plus-0.9.9",
        "userManagedDependencies: true\ninterpreterPath: python3");
    byte[] before = Files.readAllBytes(project.resolve("aml_config/local.runconfig"));

    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("argv ['--epochs', '3']").contains("env EXAMPLE_VALUE");
    assertThat(r.err()).doesNotContain("batchai").contains("artifact outputs/result.txt");
    assertThat(lastRun("target_type")).isEqualTo("local");
    assertThat(Files.readAllBytes(project.resolve("aml_config/local.runconfig"))).isEqualTo(before);

    Cli.Result other =
        cli.in(project, "experiment", "submit", "-c", "local", "train.py", "--epochs", "9");
    assertThat(other.code()).as(other.toString()).isZero();
    assertThat(other.out()).contains("argv ['--epochs', '9']");
  }

  @Test
  void aLocalTargetNeedsNoComputeFileInThe2018Format() throws Exception {
    Files.delete(project.resolve("aml_config/local.compute"));
    runconfig("local", "enabled: false", "userManagedDependencies: true\ninterpreterPath: python3");

    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("argv ['--epochs', '3']");
    assertThat(lastRun("target_type")).isEqualTo("local");
  }

  @Test
  void managedDependenciesOnLocalRunInAVenvBuiltFromTheCondaFile() throws Exception {
    String version = condaFileWithFreshWheel("localdep", "");
    Files.writeString(
        project.resolve("train.py"),
        "import sys, localdep\nprint('dep', localdep.VERSION, sys.prefix != sys.base_prefix)\n");
    runconfig(
        "local", "enabled: false", "userManagedDependencies: false\ninterpreterPath: python3");

    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.err()).contains("building environment");
    assertThat(r.out()).contains("dep " + version + " True");
  }

  @Test
  void historyDisabledRunsUntracked() throws Exception {
    runconfig("local", "enabled: false", "userManagedDependencies: true\ninterpreterPath: python3");
    Files.writeString(
        project.resolve("aml_config/local.runconfig"),
        Files.readString(project.resolve("aml_config/local.runconfig"))
            .replace("history:\n  enabled: true", "history:\n  enabled: false"));

    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local");

    assertThat(r.code()).as(r.toString()).isZero();
    // an untracked run runs in the project folder itself, with labrun's own stdout
    assertThat(project.resolve("outputs/result.txt")).hasContent("--epochs 3");
    assertThat(cli.in(project, "history", "list", "-o", "json").out().strip()).isEqualTo("[ ]");
  }

  @Test
  void dockerEnabledRunsTheLocalTargetsScriptInTheBaseImageAsItIs() throws Exception {
    runconfig(
        "docker",
        "enabled: true\nbaseImage: "
            + DockerTestEngine.BASE_IMAGE
            + "\nsharedVolumes: false\ngpuSupport: false",
        "userManagedDependencies: true\ninterpreterPath: python3");

    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "docker");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("argv ['--epochs', '3']")
        .contains("env EXAMPLE_VALUE")
        .contains("python /usr/bin/python3");
    assertThat(r.err()).doesNotContain("build Step").contains("artifact outputs/result.txt");
    assertThat(lastRun("target")).isEqualTo("local");
    assertThat(lastRun("target_type")).isEqualTo("docker");
    String runId = lastRun("run_id");
    assertThat(
            cli.in(project, "history", "download", "-r", runId, "-d", tmp.resolve("out").toString())
                .code())
        .isZero();
    assertThat(tmp.resolve("out/outputs/result.txt")).hasContent("--epochs 3");
  }

  @Test
  void dockerEnabledWithManagedDependenciesBuildsAnImageFromTheCondaFile() throws Exception {
    String version = condaFileWithFreshWheel("mnistdep", "  - python=3.11\n");
    Files.writeString(
        project.resolve("train.py"),
        "import sys, mnistdep\nprint('dep', mnistdep.VERSION, sys.executable)\n");
    runconfig(
        "docker",
        "enabled: true\nbaseImage: " + DockerTestEngine.BASE_IMAGE,
        "userManagedDependencies: false\ninterpreterPath: python");

    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "docker");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.err()).contains("build Step 1/");
    assertThat(r.out()).contains("dep " + version + " /opt/labrun/env/bin/python");
    assertThat(lastRun("target_type")).isEqualTo("docker");
  }
}
