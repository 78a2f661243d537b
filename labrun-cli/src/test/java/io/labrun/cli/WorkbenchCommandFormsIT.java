package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original's forms of {@code experiment submit}, as its samples' READMEs and scripts write
 * them.
 */
class WorkbenchCommandFormsIT {
  @TempDir Path tmp;
  Path project;
  Cli cli;

  @BeforeEach
  void init() throws Exception {
    cli = new Cli(tmp);
    project = tmp.resolve("proj");
    assertThat(cli.in(tmp, "project", "init", "proj").code()).isZero();
    Files.createDirectories(project.resolve("code"));
    Files.writeString(
        project.resolve("code/train.py"), "import sys\nprint('trained', sys.argv[1:])\n");
  }

  @Test
  void windowsStyleScriptPathsRunTheFileWithSlashes() {
    for (String typed : new String[] {".\\code\\train.py", "code\\train.py"}) {
      Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local", typed, "0.5");
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out()).contains("trained ['0.5']");
      Cli.Result script = cli.in(project, "history", "list", "--query", "[0].script_name");
      assertThat(script.out().strip()).isEqualTo("code/train.py");
    }
    ConfigCommandsTest.assertOneLineError(
        cli.in(project, "experiment", "submit", "-c", "local", "code\\nope.py"), "not found");
  }

  @Test
  void dashTOverridesTheRunConfigurationsTarget() throws Exception {
    Files.writeString(
        project.resolve("aml_config/other.compute"), "type: local\npythonLocation: python3\n");
    Cli.Result r =
        cli.in(project, "experiment", "submit", "-c", "local", "-t", "other", "code/train.py");
    assertThat(r.code()).as(r.toString()).isZero();
    Cli.Result target = cli.in(project, "history", "list", "--query", "[0].target");
    assertThat(target.out().strip()).isEqualTo("other");

    Cli.Result alone = cli.in(project, "experiment", "submit", "-t", "local", "code/train.py");
    assertThat(alone.code())
        .as("-t alone takes the run configuration of the target's name\n" + alone)
        .isZero();
    ConfigCommandsTest.assertOneLineError(
        cli.in(project, "experiment", "submit", "-c", "local", "-t", "nope", "code/train.py"),
        "no compute target 'nope'");
    ConfigCommandsTest.assertOneLineError(
        cli.in(project, "experiment", "submit", "code/train.py"), "-c RUNCONFIG");
  }
}
