package io.labrun.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.CondaDependencies;
import io.labrun.core.config.Framework;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.SparkDependencies;
import io.labrun.core.config.TargetType;
import io.labrun.core.project.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files {@code labrun project init} writes. */
class ProjectTemplateTest {
  @TempDir Path tmp;

  @Test
  void createsEveryFileAndEachOneLoadsWithoutWarnings() throws IOException {
    Project project = new Project(Files.createDirectories(tmp.resolve("iris")));

    ProjectTemplate.Result result = ProjectTemplate.create(project);

    assertThat(result.created())
        .containsExactly(
            "local.compute",
            "local.runconfig",
            "docker.compute",
            "docker.runconfig",
            "conda_dependencies.yml",
            "spark_dependencies.yml");
    assertThat(result.kept()).isEmpty();
    AmlProjectConfigs configs = new AmlProjectConfigs(project);

    ComputeTargetSpec local = configs.computeTarget("local").value();
    assertThat(local.type()).isEqualTo(TargetType.LOCAL);
    assertThat(local.pythonLocation()).isEqualTo("python3");
    assertThat(local.sparkSubmitLocation()).isEqualTo("spark-submit");
    assertThat(local.nativeSharedDirectory()).isEqualTo("~/.azureml/share/");

    ComputeTargetSpec docker = configs.computeTarget("docker").value();
    assertThat(docker.type()).isEqualTo(TargetType.DOCKER);
    assertThat(docker.baseDockerImage()).isEqualTo("continuumio/miniconda3:24.1.2-0");
    assertThat(Files.readString(project.configDir().resolve("docker.compute")))
        .contains("# The image the container is built on: Miniconda 3 (conda and Python 3, Debian)")
        .contains("#   labrun computetarget set docker baseDockerImage=IMAGE")
        .contains("#sharedVolumes: true");

    RunConfiguration localRun = configs.runConfiguration("local").value();
    assertThat(localRun.argumentVector()).containsExactly("$file");
    assertThat(localRun.target()).isEqualTo("local");
    assertThat(localRun.framework()).isEqualTo(Framework.PYTHON);
    assertThat(localRun.condaDependenciesFile()).isEqualTo("aml_config/conda_dependencies.yml");
    assertThat(localRun.sparkDependenciesFile()).isEqualTo("aml_config/spark_dependencies.yml");
    assertThat(localRun.prepareEnvironment()).isFalse();
    assertThat(localRun.trackedRun()).isTrue();
    assertThat(localRun.environmentVariables())
        .containsExactly(entry("EXAMPLE_ENV_VAR", "Example Value"));

    RunConfiguration dockerRun = configs.runConfiguration("docker").value();
    assertThat(dockerRun.target()).isEqualTo("docker");
    assertThat(dockerRun.prepareEnvironment()).isTrue();

    CondaDependencies conda = configs.condaDependencies(localRun.condaFile()).value();
    assertThat(conda.name()).isEqualTo("project_environment");
    assertThat(conda.condaPackages()).containsExactly("python=3.11");
    assertThat(conda.pipPackages()).isEmpty();

    SparkDependencies spark = configs.sparkDependencies(localRun.sparkFile()).value();
    assertThat(spark.configuration()).containsExactly(entry("spark.app.name", "iris"));
    assertThat(spark.repositories()).isEmpty();
    assertThat(spark.packages()).isEmpty();

    for (String name : configs.computeTargetNames()) {
      assertThat(configs.computeTarget(name).warnings()).isEmpty();
    }
    for (String name : configs.runConfigurationNames()) {
      assertThat(configs.runConfiguration(name).warnings()).isEmpty();
    }
    assertThat(configs.condaDependencies(localRun.condaFile()).warnings()).isEmpty();
    assertThat(configs.sparkDependencies(localRun.sparkFile()).warnings()).isEmpty();
  }

  @Test
  void everyTemplateFileRoundTripsByteForByte() throws IOException {
    Project project = new Project(Files.createDirectories(tmp.resolve("p")));
    ProjectTemplate.create(project);
    AmlProjectConfigs configs = new AmlProjectConfigs(project);
    String localCompute = Files.readString(project.configDir().resolve("local.compute"));
    String dockerCompute = Files.readString(project.configDir().resolve("docker.compute"));
    String localRun = Files.readString(project.configDir().resolve("local.runconfig"));
    String dockerRun = Files.readString(project.configDir().resolve("docker.runconfig"));

    configs.writeComputeTarget(configs.computeTarget("local").value());
    configs.writeComputeTarget(configs.computeTarget("docker").value());
    configs.writeRunConfiguration(configs.runConfiguration("local").value());
    configs.writeRunConfiguration(configs.runConfiguration("docker").value());

    assertThat(Files.readString(project.configDir().resolve("local.compute")))
        .isEqualTo(localCompute);
    assertThat(Files.readString(project.configDir().resolve("docker.compute")))
        .isEqualTo(dockerCompute);
    assertThat(Files.readString(project.configDir().resolve("local.runconfig")))
        .isEqualTo(localRun);
    assertThat(Files.readString(project.configDir().resolve("docker.runconfig")))
        .isEqualTo(dockerRun);
  }

  @Test
  void editingATemplateFileKeepsItsComments() throws IOException {
    Project project = new Project(Files.createDirectories(tmp.resolve("p")));
    ProjectTemplate.create(project);
    AmlProjectConfigs configs = new AmlProjectConfigs(project);
    String before = Files.readString(project.configDir().resolve("docker.compute"));

    configs.writeComputeTarget(
        configs.computeTarget("docker").value().withBaseDockerImage("python:3.12-slim"));

    assertThat(Files.readString(project.configDir().resolve("docker.compute")))
        .isEqualTo(
            before.replace(
                "baseDockerImage: \"continuumio/miniconda3:24.1.2-0\"",
                "baseDockerImage: \"python:3.12-slim\""));
  }

  @Test
  void existingFilesAreNeverOverwritten() throws IOException {
    Project project = new Project(Files.createDirectories(tmp.resolve("p")));
    Files.createDirectories(project.configDir());
    Files.writeString(
        project.configDir().resolve("local.compute"),
        "type: local\npythonLocation: /usr/bin/python3.12\n");

    ProjectTemplate.Result result = ProjectTemplate.create(project);

    assertThat(result.kept()).containsExactly("local.compute");
    assertThat(result.created()).hasSize(5);
    assertThat(Files.readString(project.configDir().resolve("local.compute")))
        .isEqualTo("type: local\npythonLocation: /usr/bin/python3.12\n");
    assertThat(ProjectTemplate.create(project).created()).isEmpty();
  }

  @Test
  void theSparkAppNameIsQuotedWhateverTheProjectIsCalled() throws IOException {
    Project project = new Project(Files.createDirectories(tmp.resolve("my \"odd\": project #1")));
    ProjectTemplate.create(project);

    SparkDependencies spark =
        new AmlProjectConfigs(project)
            .sparkDependencies("aml_config/spark_dependencies.yml")
            .value();

    assertThat(spark.configuration())
        .containsExactly(entry("spark.app.name", "my \"odd\": project #1"));
  }
}
