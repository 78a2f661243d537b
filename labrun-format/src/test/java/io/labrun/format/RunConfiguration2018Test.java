package io.labrun.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.labrun.core.config.ConfigException;
import io.labrun.core.config.DockerSection;
import io.labrun.core.config.Framework;
import io.labrun.core.config.KeyChanges;
import io.labrun.core.config.Loaded;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.SparkDependencies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 2018 run-configuration format: the {@code mnist} sample's files as they are, each key's
 * meaning, the cloud blocks kept quietly, byte-exact write-back, and line:col errors.
 */
class RunConfiguration2018Test {
  static final Path MNIST = Path.of("..", "samples", "mnist", "aml_config");

  @TempDir Path root;

  private TestProject mnist() throws IOException {
    TestProject p = new TestProject(root);
    for (String f :
        List.of(
            "local.runconfig",
            "docker.runconfig",
            "local.compute",
            "conda_dependencies.yml",
            "spark_dependencies.yml")) {
      p.writeBytes(f, Files.readAllBytes(MNIST.resolve(f)));
    }
    return p;
  }

  @Test
  void theMnistSampleLocalConfigurationReadsEveryKey() throws IOException {
    Loaded<RunConfiguration> loaded = mnist().configs.runConfiguration("local");

    RunConfiguration c = loaded.value();
    assertThat(c.form()).isEqualTo(RunConfiguration.Form.YAML_2018);
    assertThat(c.script()).isEqualTo("train.py");
    assertThat(c.argumentVector()).isEmpty();
    assertThat(c.target()).isEqualTo("local");
    assertThat(c.framework()).isEqualTo(Framework.PYTHON);
    assertThat(c.prepareEnvironment()).isFalse();
    assertThat(c.environment()).containsExactly(entry("EXAMPLE_ENV_VAR", "EXAMPLE_VALUE"));
    assertThat(c.userManagedDependencies()).isTrue();
    assertThat(c.interpreterPath()).isEqualTo("python");
    assertThat(c.condaFile()).isEqualTo("aml_config/conda_dependencies.yml");
    assertThat(c.docker().enabled()).isFalse();
    assertThat(c.docker().baseImage()).isEqualTo("microsoft/mmlspark:plus-0.9.9");
    assertThat(c.docker().sharedVolumes()).isTrue();
    assertThat(c.docker().gpuSupport()).isFalse();
    assertThat(c.docker().registryAddress()).isNull();
    assertThat(c.sparkDependencies().repositories())
        .containsExactly(
            "https://mmlspark.azureedge.net/maven",
            "https://azuremldownloads.blob.core.windows.net/repo5qh91kdjs6");
    assertThat(c.sparkDependencies().packages())
        .containsExactly(
            new SparkDependencies.MavenPackage("com.microsoft.ml.spark", "mmlspark_2.11", "0.9.9"),
            new SparkDependencies.MavenPackage("com.microsoft", "dprep_2.11", "0.18.0"),
            new SparkDependencies.MavenPackage(
                "com.microsoft.sqlserver", "mssql-jdbc", "6.2.1.jre8"));
    assertThat(c.sparkDependencies().configuration())
        .containsExactly(
            entry("spark.app.name", "Azure ML Experiment"),
            entry("spark.yarn.maxAppAttempts", "1"));
    assertThat(c.tracked()).isTrue();
    assertThat(c.yarnDeployMode()).isEqualTo("cluster");
    assertThat(c.otherKeys()).containsOnlyKeys("batchai", "containerInstance");
    assertThat(c.otherKeys().get("batchai")).isEqualTo(Map.of("nodeCount", 1L));
    assertThat(c.cloudBlocks()).containsExactly("batchai", "containerInstance");
    // kept quietly: 'runconfiguration show' says once that they have no effect, runs do not repeat
    // it
    assertThat(loaded.warnings()).isEmpty();
  }

  @Test
  void theMnistSampleDockerConfigurationTurnsDockerOnForItsLocalTarget() throws IOException {
    RunConfiguration c = mnist().configs.runConfiguration("docker").value();

    assertThat(c.framework()).isEqualTo(Framework.PYSPARK);
    assertThat(c.prepareEnvironment()).isTrue();
    assertThat(c.userManagedDependencies()).isFalse();
    assertThat(c.docker().isEnabled()).isTrue();
    assertThat(c.docker().baseImage()).isEqualTo("microsoft/mmlspark:plus-0.9.9");
    assertThat(c.docker().baseImageRegistry())
        .containsOnlyKeys("address", "username", "password")
        .containsValues((Object) null);
    assertThat(c.target()).isEqualTo("local");
  }

  @Test
  void theMnistFilesAreWrittenBackByteForByteAndNotTouched() throws IOException {
    TestProject p = mnist();
    for (String name : List.of("local", "docker")) {
      Path file = p.file(name + ".runconfig");
      byte[] before = Files.readAllBytes(file);
      Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2018-01-01T00:00:00Z")));

      p.configs.writeRunConfiguration(p.configs.runConfiguration(name).value());

      assertThat(Files.readAllBytes(file)).isEqualTo(before);
      assertThat(Files.getLastModifiedTime(file).toInstant())
          .isEqualTo(Instant.parse("2018-01-01T00:00:00Z"));
    }
  }

  @Test
  void aChangedValueIsChangedWhereItIsWritten() throws IOException {
    TestProject p = mnist();
    String before = p.read("docker.runconfig");
    RunConfiguration c = p.configs.runConfiguration("docker").value();
    DockerSection d = c.docker();

    p.configs.writeRunConfiguration(
        with(
            c,
            new DockerSection(
                d.enabled(),
                "labrun-test/python:bookworm",
                d.sharedVolumes(),
                d.gpuSupport(),
                d.baseImageRegistry()),
            c.sparkDependencies()));

    String after = p.read("docker.runconfig");
    RunConfiguration again = p.configs.runConfiguration("docker").value();
    assertThat(again.docker().baseImage()).isEqualTo("labrun-test/python:bookworm");
    assertThat(again).isEqualTo(with(c, again.docker(), c.sparkDependencies()));
    // the one value changes where it is written; every comment of the environment block stays
    assertThat(after)
        .isEqualTo(
            before.replace(
                "    baseImage: microsoft/mmlspark:plus-0.9.9\n",
                "    baseImage: \"labrun-test/python:bookworm\"\n"));
  }

  @Test
  void setAndUnsetNameNestedKeysByDottedPath() throws IOException {
    TestProject p = mnist();
    String before = p.read("local.runconfig");

    p.configs.changeRunConfiguration(
        "local",
        new KeyChanges(
            Map.of("environment.docker.enabled", "true", "hdi.yarnDeployMode", "client"),
            List.of("containerInstance")));

    RunConfiguration c = p.configs.runConfiguration("local").value();
    assertThat(c.docker().isEnabled()).isTrue();
    assertThat(c.yarnDeployMode()).isEqualTo("client");
    assertThat(c.otherKeys()).containsOnlyKeys("batchai");
    String after = p.read("local.runconfig");
    assertThat(after)
        .startsWith(
            before
                .substring(0, before.indexOf("containerInstance"))
                .replace("    enabled: false", "    enabled: true")
                .replace("  yarnDeployMode: cluster", "  yarnDeployMode: client"));
    assertThat(after)
        .contains("# BatchAI details\nbatchai:\n# Number of nodes")
        .doesNotContain("containerInstance");
    assertThatThrownBy(
            () ->
                p.configs.changeRunConfiguration(
                    "local",
                    new KeyChanges(Map.of("environment.docker.enabled", "sometimes"), List.of())))
        .hasMessage(
            "'environment.docker.enabled' must be true or false, got \"sometimes\""
                + " (aml_config/local.runconfig is unchanged)");
    assertThatThrownBy(
            () ->
                p.configs.changeRunConfiguration(
                    "local", new KeyChanges(Map.of(), List.of("target"))))
        .hasMessageStartingWith("'target' cannot be removed");
  }

  @Test
  void aChangedListRewritesOnlyItsOwnTopLevelBlock() throws IOException {
    TestProject p = mnist();
    String before = p.read("docker.runconfig");
    RunConfiguration c = p.configs.runConfiguration("docker").value();
    SparkDependencies s = c.sparkDependencies();

    p.configs.writeRunConfiguration(
        with(
            c,
            c.docker(),
            new SparkDependencies(
                s.configuration(), List.of("https://repo.example/maven"), s.packages())));

    String after = p.read("docker.runconfig");
    assertThat(p.configs.runConfiguration("docker").value().sparkDependencies().repositories())
        .containsExactly("https://repo.example/maven");
    // everything before 'environment:' and from 'history:' on is as it was, comments included
    assertThat(after).startsWith(before.substring(0, before.indexOf("environment:")));
    assertThat(after).endsWith(before.substring(before.indexOf("# History details")));
  }

  @Test
  void aNewFileIsWrittenNestedInTheFormatsOrder() {
    TestProject p = new TestProject(root);
    RunConfiguration c =
        new RunConfiguration(
            "gpu",
            null,
            List.of("--epochs", "3"),
            "local",
            Map.of("A", "1"),
            Framework.PYTHON,
            "aml_config/conda_dependencies.yml",
            null,
            false,
            true,
            Map.of(),
            RunConfiguration.Form.YAML_2018,
            null,
            null,
            "train.py",
            true,
            "python3",
            new DockerSection(true, "labrun-test/python:bookworm", false, null, null),
            null,
            null);

    p.configs.writeRunConfiguration(c);

    assertThat(p.read("gpu.runconfig"))
        .isEqualTo(
            """
            script: train.py
            arguments:
              - "--epochs"
              - "3"
            target: local
            framework: Python
            prepareEnvironment: false
            environment:
              environmentVariables:
                A: "1"
              python:
                userManagedDependencies: true
                interpreterPath: python3
                condaDependenciesFile: aml_config/conda_dependencies.yml
              docker:
                enabled: true
                baseImage: "labrun-test/python:bookworm"
                sharedVolumes: false
            history:
              enabled: true
            """);
    assertThat(p.configs.runConfiguration("gpu").value()).isEqualTo(c);
  }

  @Test
  void unknownKeysInsideKnownSectionsAreKeptWithTheNearestKnownKey() {
    TestProject p =
        new TestProject(root)
            .write(
                "x.runconfig",
                """
                target: local
                environment:
                  docker:
                    baseImag: python:3.11
                dataReferences:
                  data: {}
                """);

    Loaded<RunConfiguration> loaded = p.configs.runConfiguration("x");

    assertThat(loaded.value().otherKeys())
        .containsOnlyKeys("environment.docker.baseImag", "dataReferences");
    assertThat(loaded.warnings())
        .containsExactly(
            "aml_config/x.runconfig:4:5: unknown key 'environment.docker.baseImag' kept as is (did"
                + " you mean 'environment.docker.baseImage'?)");
    assertThat(loaded.value().cloudBlocks()).containsExactly("dataReferences");
  }

  @Test
  void aRegistryAddressIsReportedOnceWithoutItsPassword() {
    TestProject p =
        new TestProject(root)
            .write(
                "x.runconfig",
                """
                target: local
                environment:
                  docker:
                    enabled: true
                    baseImage: myacr.azurecr.io/train:1
                    baseImageRegistry:
                      address: myacr.azurecr.io
                      username: me
                      password: hunter2
                """);

    Loaded<RunConfiguration> loaded = p.configs.runConfiguration("x");

    assertThat(loaded.warnings())
        .containsExactly(
            "aml_config/x.runconfig: 'environment.docker.baseImageRegistry' is not used: labrun"
                + " pulls myacr.azurecr.io/train:1 with the Docker engine's own login (run 'docker"
                + " login myacr.azurecr.io' once)");
    assertThat(String.join("", loaded.warnings())).doesNotContain("hunter2");
  }

  @Test
  void badValuesFailWithTheirLineAndColumn() {
    assertError(
        "target: local\nenvironment:\n  docker:\n    enabled: yes\n",
        "4:14: 'environment.docker.enabled' must be true or false, got \"yes\"");
    assertError(
        "target: local\nenvironment:\n  - python\n",
        "3:3: 'environment' must be a map of keys to values, got a list");
    assertError(
        "script: train.py\narguments: []\n",
        "1:1: 'target' is missing; name the compute target to run on, for example 'target: local'");
    assertError(
        "target: local\nhdi:\n  yarnDeployMode: sometimes\n",
        "3:19: 'hdi.yarnDeployMode' must be cluster or client, got \"sometimes\"");
    assertError(
        "target: local\nframework: R\n", "2:12: 'framework' must be Python or PySpark, got \"R\"");
    assertError(
        "target: local\nenvironment:\n  spark:\n    packages:\n    - group: g\n      artifact: a\n",
        "5:7: 'environment.spark.packages' item 1 is missing 'version' (a package needs group,"
            + " artifact and version)");
    assertError(
        "target: local\narguments: --fast\n",
        "2:12: 'arguments' must be a list of strings, got \"--fast\"");
  }

  @Test
  void aFileThatMixesBothFormatsNamesBoth() {
    assertError(
        "ArgumentVector: [\"$file\"]\n"
            + "Target: local\n"
            + "environment:\n"
            + "  python:\n"
            + "    interpreterPath: python\n",
        "3:1: the file mixes the two run-configuration formats: 'ArgumentVector' (line 1) is a key"
            + " of the 2017 format (ArgumentVector, Target, Framework...) and 'environment' (line"
            + " 3) of the 2018 format (script, arguments, target, environment:...); write the file"
            + " in one of them");
    assertError(
        "script: train.py\ntarget: local\nTrackedRun: false\n",
        "3:1: the file mixes the two run-configuration formats: 'TrackedRun' (line 3) is a key of"
            + " the 2017 format (ArgumentVector, Target, Framework...) and 'script' (line 1) of the"
            + " 2018 format (script, arguments, target, environment:...); write the file in one of"
            + " them");
  }

  private void assertError(String text, String expected) {
    TestProject p = new TestProject(root).write("bad.runconfig", text);
    assertThatThrownBy(() -> p.configs.runConfiguration("bad"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("aml_config/bad.runconfig:" + expected);
  }

  private static RunConfiguration with(
      RunConfiguration c, DockerSection docker, SparkDependencies spark) {
    return new RunConfiguration(
        c.name(),
        c.description(),
        c.argumentVector(),
        c.target(),
        c.environmentVariables(),
        c.framework(),
        c.condaDependenciesFile(),
        c.sparkDependenciesFile(),
        c.prepareEnvironment(),
        c.trackedRun(),
        c.otherKeys(),
        c.form(),
        c.timeout(),
        c.retries(),
        c.script(),
        c.userManagedDependencies(),
        c.interpreterPath(),
        docker,
        spark,
        c.yarnDeployMode());
  }
}
