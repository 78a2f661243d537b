package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local target runs the user's interpreter as is, as the original did: {@code
 * PrepareEnvironment} and the conda file change nothing there. labrun's own venvs are opt-in by
 * {@code labrunLocalVenv: true}, and are made from the interpreter the user's {@code PATH} names.
 */
class LocalInterpreterIT {
  /**
   * Debian's Python 3; the test JVM's {@code python} is another one (pyenv's), like a daemon's PATH
   * would be.
   */
  static final Path USER_PYTHON = Path.of("/usr/bin/python3");

  @TempDir Path tmp;
  Path project;
  Cli cli;

  @BeforeEach
  void init() throws Exception {
    cli = new Cli(tmp).env("PATH", userBin(tmp) + File.pathSeparator + System.getenv("PATH"));
    project = tmp.resolve("proj");
    assertThat(cli.in(tmp, "project", "init", "proj").code()).isZero();
    // As the original's samples wrote them: a bare "python", PrepareEnvironment: true, and a conda
    // file
    // that no Python here satisfies (its comment says it is not used for local runs).
    Files.writeString(
        project.resolve("aml_config/local.compute"),
        "type: \"local\"\npythonLocation: \"python\"\n");
    Files.writeString(
        project.resolve("aml_config/local.runconfig"),
        """
        ArgumentVector:
          - "$file"
        Target: "local"
        Framework: "Python"
        CondaDependenciesFile: "aml_config/conda_dependencies.yml"
        PrepareEnvironment: true
        TrackedRun: true
        """);
    Files.writeString(
        project.resolve("aml_config/conda_dependencies.yml"),
        """
        # Note that this file is NOT used to automatically manage dependencies for the
        # local compute target.
        name: project_environment
        dependencies:
          - python=3.5.2
          - pip:
            - azure-ml-api-sdk==0.1.0a11
        """);
    Files.writeString(
        project.resolve("which.py"),
        "import sys\nprint('prefix', sys.prefix)\nprint('base', sys.base_prefix)\n");
  }

  /** A folder whose {@code python} is Debian's, as a user's own PATH would have it. */
  static Path userBin(Path tmp) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("user-bin"));
    if (!Files.exists(bin.resolve("python"))) {
      Files.createSymbolicLink(bin.resolve("python"), USER_PYTHON);
    }
    return bin;
  }

  @Test
  void prepareEnvironmentAndCondaFileHaveNoEffectOnLocal() {
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local", "which.py");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .as("the user's interpreter itself, no venv")
        .contains("prefix /usr\n")
        .contains("base /usr\n");
    assertThat(r.err())
        .contains("Completed")
        .doesNotContain("environment")
        .doesNotContain("PrepareEnvironment");
    assertThat(tmp.resolve("labrun/data/envs/venvs")).doesNotExist();

    Cli.Result show = cli.in(project, "runconfiguration", "show", "local");
    assertThat(show.code()).as(show.toString()).isZero();
    assertThat(show.out())
        .contains("PrepareEnvironment and the conda dependencies file have no effect");
    assertThat(show.out().split("no effect", -1)).as("said once").hasSize(2);

    ConfigCommandsTest.assertOneLineError(
        cli.in(project, "experiment", "prepare", "-c", "local"), "nothing to prepare");
  }

  @Test
  void labrunLocalVenvIsOptInAndMadeFromTheCallersPython() throws Exception {
    Files.writeString(
        project.resolve("aml_config/local.compute"),
        "type: \"local\"\npythonLocation: \"python\"\nlabrunLocalVenv: true\n");
    Files.writeString(
        project.resolve("aml_config/conda_dependencies.yml"),
        "name: project_environment\ndependencies: []\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local", "which.py");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .as("a venv of the user's python, not of this process's PATH")
        .contains("base /usr\n")
        .contains("prefix " + tmp.resolve("labrun"));
    assertThat(cli.in(project, "runconfiguration", "show", "local").out())
        .doesNotContain("no effect");

    Files.writeString(
        project.resolve("aml_config/local.compute"), "type: local\nlabrunLocalVenv: \"yes\"\n");
    ConfigCommandsTest.assertOneLineError(
        cli.in(project, "experiment", "submit", "-c", "local", "which.py"),
        "local.compute:2:18: 'labrunLocalVenv' must be true or false");
  }
}
