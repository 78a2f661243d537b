package io.labrun.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.labrun.core.config.Framework;
import io.labrun.core.config.Loaded;
import io.labrun.core.config.RunConfiguration;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading {@code .runconfig} files in YAML and in the original's older JSON form. */
class RunConfigurationReadTest {
  @TempDir Path root;

  @Test
  void theOriginalLegacyJsonSample() {
    TestProject p =
        new TestProject(root)
            .write(
                "docker.runconfig",
                """
                { "Description": "Run inside a custom-built docker container.",
                  "ArgumentVector": ["$file"], "CondaFile": null, "ManagedEnvironment": true,
                  "TrackedRun": true, "Target": "docker", "PrepareEnvironment": true,
                  "Framework": "PySpark" }
                """);

    Loaded<RunConfiguration> loaded = p.configs.runConfiguration("docker");

    RunConfiguration c = loaded.value();
    assertThat(c.form()).isEqualTo(RunConfiguration.Form.LEGACY_JSON);
    assertThat(c.description()).isEqualTo("Run inside a custom-built docker container.");
    assertThat(c.argumentVector()).containsExactly("$file");
    assertThat(c.condaDependenciesFile()).isNull();
    assertThat(c.condaFile()).isEqualTo("aml_config/conda_dependencies.yml");
    assertThat(c.trackedRun()).isTrue();
    assertThat(c.target()).isEqualTo("docker");
    assertThat(c.prepareEnvironment()).isTrue();
    assertThat(c.framework()).isEqualTo(Framework.PYSPARK);
    assertThat(c.otherKeys()).containsExactly(entry("ManagedEnvironment", true));
    assertThat(loaded.warnings()).isEmpty();
  }

  @Test
  void aYamlRunConfigurationWithEveryKey() {
    TestProject p =
        new TestProject(root)
            .write(
                "local.runconfig",
                """
                # train on this machine
                ArgumentVector:
                  - "$file"
                  - --epochs
                  - 10
                  - 0.5
                  - true
                Target: "local"
                EnvironmentVariables:
                  EXAMPLE_ENV_VAR: "Example Value"
                  THREADS: 4
                  RATE: 1.50
                  DEBUG: True
                Framework: python
                CondaDependenciesFile: "aml_config/conda_dependencies.yml"
                SparkDependenciesFile: aml_config/spark_dependencies.yml
                PrepareEnvironment: false
                TrackedRun: False
                Description: quick local runs
                """);

    RunConfiguration c = p.configs.runConfiguration("local").value();

    assertThat(c.form()).isEqualTo(RunConfiguration.Form.YAML);
    assertThat(c.argumentVector()).containsExactly("$file", "--epochs", "10", "0.5", "true");
    assertThat(c.target()).isEqualTo("local");
    assertThat(c.environmentVariables())
        .containsExactly(
            entry("EXAMPLE_ENV_VAR", "Example Value"),
            entry("THREADS", "4"),
            entry("RATE", "1.50"),
            entry("DEBUG", "True"));
    assertThat(c.framework()).isEqualTo(Framework.PYTHON);
    assertThat(c.condaDependenciesFile()).isEqualTo("aml_config/conda_dependencies.yml");
    assertThat(c.sparkDependenciesFile()).isEqualTo("aml_config/spark_dependencies.yml");
    assertThat(c.prepareEnvironment()).isFalse();
    assertThat(c.trackedRun()).isFalse();
    assertThat(c.description()).isEqualTo("quick local runs");
  }

  @Test
  void condaFileIsAcceptedInYamlAndBothSpellingsMayAgree() {
    TestProject p =
        new TestProject(root)
            .write("a.runconfig", "Target: local\nCondaFile: env.yml\n")
            .write(
                "b.runconfig",
                "{\"Target\": \"local\", \"CondaDependenciesFile\": \"env.yml\", \"CondaFile\":"
                    + " \"env.yml\"}");

    assertThat(p.configs.runConfiguration("a").value().condaDependenciesFile())
        .isEqualTo("env.yml");
    assertThat(p.configs.runConfiguration("b").value().condaDependenciesFile())
        .isEqualTo("env.yml");
  }

  @Test
  void dataPreparationKeysAreKeptWithAWarningThatTheyDoNothing() {
    TestProject p =
        new TestProject(root)
            .write(
                "prep.runconfig",
                """
                Target: local
                UseSampling: true
                DataSourceSettings:
                  iris.dsource:
                    sampling: top
                DataSourceSubstitutions: {}
                ManagedEnvironment: false
                Trget: docker
                """);

    Loaded<RunConfiguration> loaded = p.configs.runConfiguration("prep");

    assertThat(loaded.value().otherKeys().keySet())
        .containsExactly(
            "UseSampling",
            "DataSourceSettings",
            "DataSourceSubstitutions",
            "ManagedEnvironment",
            "Trget");
    assertThat(loaded.warnings())
        .containsExactly(
            "aml_config/prep.runconfig:2:1: 'UseSampling' has no effect in labrun (it belonged to"
                + " the data-preparation product)",
            "aml_config/prep.runconfig:3:1: 'DataSourceSettings' has no effect in labrun (it"
                + " belonged to the data-preparation product)",
            "aml_config/prep.runconfig:6:1: 'DataSourceSubstitutions' has no effect in labrun (it"
                + " belonged to the data-preparation product)",
            "aml_config/prep.runconfig:8:1: unknown key 'Trget' kept as is (did you mean"
                + " 'Target'?)");
  }

  @Test
  void jsonPositionsPointAtTheValue() {
    TestProject p =
        new TestProject(root)
            .write("j.runconfig", "\n  {\n    \"Target\": \"local\",\n    \"Extra\": 1\n  }\n");

    assertThat(p.configs.runConfiguration("j").warnings())
        .containsExactly("aml_config/j.runconfig:4:5: unknown key 'Extra' kept as is");
  }

  @Test
  void argumentsDefaultToTheScriptWhenNotGiven() {
    TestProject p = new TestProject(root).write("min.runconfig", "Target: local\n");

    RunConfiguration c = p.configs.runConfiguration("min").value();

    assertThat(c.argumentVector()).isNull();
    assertThat(c.expandArguments("train.py", List.of("1"))).containsExactly("train.py", "1");
    assertThat(c.tracked()).isTrue();
  }
}
