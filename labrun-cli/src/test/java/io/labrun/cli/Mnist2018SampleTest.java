package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original's {@code mnist} sample (its {@code aml_config/} in the 2018 format), copied
 * unchanged: it lists, shows and plans its runs. Its scripts need TensorFlow and {@code
 * fetch_mldata}, which cannot be had here, so what is checked is what labrun would run: target,
 * image, interpreter and packages.
 */
class Mnist2018SampleTest {
  static final Path SAMPLE = Path.of("..", "samples", "mnist");

  @TempDir Path tmp;
  Path project;
  Cli cli;
  Map<String, byte[]> before;

  @BeforeEach
  void copySample() throws IOException {
    project = tmp.resolve("mnist");
    TestFolders.copy(SAMPLE, project);
    before = configFiles();
    cli = new Cli(tmp);
  }

  @Test
  void listsBothRunConfigurations() {
    Cli.Result r = cli.in(project, "runconfiguration", "list");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .containsPattern("docker +local +PySpark +true +true")
        .containsPattern("local +local +Python +true +false");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void theLocalConfigurationRunsThePythonOnPathAsItIs() throws IOException {
    assertThat(query("local", "form")).isEqualTo("\"yaml (2018 format)\"");
    assertThat(query("local", "script")).isEqualTo("\"train.py\"");
    assertThat(query("local", "plan.runs_on")).isEqualTo("\"local\"");
    assertThat(query("local", "plan.interpreter")).isEqualTo("\"python\"");
    assertThat(query("local", "plan.environment"))
        .isEqualTo("\"used as it is, nothing installed\"");
    assertThat(query("local", "plan.conda_packages")).isEqualTo("null");
    assertThat(cli.in(project, "runconfiguration", "show", "local").out())
        .contains(
            "on the local target 'local' prepareEnvironment and the conda dependencies file have no"
                + " effect: runs use python as it is");
    assertThat(configFiles()).as("show writes nothing").containsExactlyInAnyOrderEntriesOf(before);
  }

  @Test
  void withoutLocalComputeTheTargetLocalIsBuiltInAsInTheSdk() throws IOException {
    Files.delete(project.resolve("aml_config/local.compute"));
    assertThat(query("local", "plan.runs_on")).isEqualTo("\"local\"");
    assertThat(query("local", "plan.interpreter")).isEqualTo("\"python\"");
    assertThat(query("docker", "plan.runs_on"))
        .isEqualTo("\"docker (environment.docker.enabled)\"");
  }

  @Test
  void theDockerConfigurationRunsPySparkInALocalContainerBuiltFromTheCondaFile()
      throws IOException {
    assertThat(query("docker", "plan.runs_on"))
        .isEqualTo("\"docker (environment.docker.enabled)\"");
    assertThat(query("docker", "plan.image")).isEqualTo("\"microsoft/mmlspark:plus-0.9.9\"");
    assertThat(query("docker", "plan.interpreter"))
        .isEqualTo(
            "\"spark-submit with /opt/labrun/env/bin/python of an image built on"
                + " microsoft/mmlspark:plus-0.9.9\"");
    assertThat(query("docker", "plan.environment"))
        .isEqualTo(
            "\"prepared by labrun from aml_config/conda_dependencies.yml as part of the run\"");
    assertThat(query("docker", "plan.conda_packages"))
        .isEqualTo("[ \"python=3.6.2\", \"matplotlib\", \"tensorflow\" ]");
    assertThat(query("docker", "plan.spark_packages"))
        .isEqualTo(
            "[ \"com.microsoft.ml.spark:mmlspark_2.11:0.9.9\", \"com.microsoft:dprep_2.11:0.18.0\","
                + " \"com.microsoft.sqlserver:mssql-jdbc:6.2.1.jre8\" ]");
    assertThat(query("docker", "plan.yarn_deploy_mode"))
        .isEqualTo("\"cluster (for cluster targets)\"");
    assertThat(configFiles()).as("show writes nothing").containsExactlyInAnyOrderEntriesOf(before);
  }

  @Test
  void showSaysOnceThatTheCloudBlocksHaveNoEffectAndSubmitDoesNotRepeatIt() throws IOException {
    Cli.Result show = cli.in(project, "runconfiguration", "show", "docker");
    assertThat(show.code()).as(show.toString()).isZero();
    assertThat(show.err().lines())
        .containsExactly(
            "labrun: warning: aml_config/docker.runconfig: batchai, containerInstance (Azure ML's"
                + " cloud compute) kept as written, without effect in labrun");

    // the file's own script, train.py, is not in the sample: one line, nothing recorded
    Cli.Result submit = cli.in(project, "experiment", "submit", "-c", "local");
    assertThat(submit.code()).as(submit.toString()).isEqualTo(2);
    assertThat(submit.err().strip())
        .isEqualTo("labrun: script train.py not found in the project " + project.toRealPath());
    assertThat(cli.in(project, "history", "list", "-o", "json").out().strip()).isEqualTo("[ ]");
  }

  private String query(String name, String path) {
    Cli.Result r = cli.in(project, "runconfiguration", "show", name, "-o", "json", "--query", path);
    assertThat(r.code()).as(r.toString()).isZero();
    return r.out().strip();
  }

  private Map<String, byte[]> configFiles() throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(project.resolve("aml_config"))) {
      for (Path f : files.toList()) {
        out.put(f.getFileName().toString(), Files.readAllBytes(f));
      }
    }
    return out;
  }
}
