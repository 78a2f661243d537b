package io.labrun.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.config.Framework;
import io.labrun.core.config.RunConfiguration;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing {@code .runconfig} files in YAML and in the older JSON form. */
class RunConfigurationWriteTest {
  @TempDir Path root;

  private static final String LEGACY_JSON =
      """
      { "Description": "Run inside a custom-built docker container.",
        "ArgumentVector": ["$file"], "CondaFile": null, "ManagedEnvironment": true,
        "TrackedRun": true, "Target": "docker", "PrepareEnvironment": true,
        "Framework": "PySpark" }
      """;

  @Test
  void aNewYamlFileAsAttachWritesIt() {
    TestProject p = new TestProject(root);

    p.configs.writeRunConfiguration(RunConfiguration.forTarget("gpu", "gpu", Framework.PYTHON));

    assertThat(p.read("gpu.runconfig"))
        .isEqualTo(
            """
            ArgumentVector:
              - $file
            Target: gpu
            EnvironmentVariables: {}
            Framework: Python
            PrepareEnvironment: false
            TrackedRun: true
            """);
    assertThat(p.configs.runConfiguration("gpu").value())
        .isEqualTo(RunConfiguration.forTarget("gpu", "gpu", Framework.PYTHON));
  }

  @Test
  void theLegacyJsonSampleIsLeftAloneWhenNothingChanged() {
    TestProject p = new TestProject(root).write("docker.runconfig", LEGACY_JSON);

    p.configs.writeRunConfiguration(p.configs.runConfiguration("docker").value());

    assertThat(p.read("docker.runconfig")).isEqualTo(LEGACY_JSON);
  }

  @Test
  void aChangedLegacyJsonFileKeepsItsKeysSpellingAndOrder() {
    TestProject p = new TestProject(root).write("docker.runconfig", LEGACY_JSON);
    RunConfiguration c = p.configs.runConfiguration("docker").value();

    p.configs.writeRunConfiguration(
        new RunConfiguration(
            c.name(),
            c.description(),
            List.of("$file", "--fast"),
            c.target(),
            Map.of("A", "1"),
            c.framework(),
            "aml_config/env.yml",
            null,
            c.prepareEnvironment(),
            false,
            c.otherKeys(),
            c.form()));

    assertThat(p.read("docker.runconfig"))
        .isEqualTo(
            """
            {
              "Description": "Run inside a custom-built docker container.",
              "ArgumentVector": ["$file", "--fast"],
              "CondaFile": "aml_config/env.yml",
              "ManagedEnvironment": true,
              "TrackedRun": false,
              "Target": "docker",
              "PrepareEnvironment": true,
              "Framework": "PySpark",
              "EnvironmentVariables": {
                "A": "1"
              }
            }
            """);
    RunConfiguration back = p.configs.runConfiguration("docker").value();
    assertThat(back.condaDependenciesFile()).isEqualTo("aml_config/env.yml");
    assertThat(back.form()).isEqualTo(RunConfiguration.Form.LEGACY_JSON);
  }

  @Test
  void aNewLegacyJsonFileUsesTheOriginalsKeyNames() {
    TestProject p = new TestProject(root);

    p.configs.writeRunConfiguration(
        new RunConfiguration(
            "old",
            "d",
            List.of("$file"),
            "docker",
            null,
            Framework.PYTHON,
            "env.yml",
            null,
            true,
            null,
            Map.of(),
            RunConfiguration.Form.LEGACY_JSON));

    assertThat(p.read("old.runconfig"))
        .isEqualTo(
            """
            {
              "ArgumentVector": ["$file"],
              "Target": "docker",
              "Framework": "Python",
              "CondaFile": "env.yml",
              "PrepareEnvironment": true,
              "Description": "d"
            }
            """);
  }

  @Test
  void aYamlFileKeepsCondaFileSpellingCommentsAndUnknownKeys() {
    String original =
        """
        # experiments on the GPU box
        ArgumentVector:
          - "$file"
          # - --verbose
          - 10
        Target: gpu
        CondaFile: aml_config/gpu_env.yml   # pinned CUDA build
        UseSampling: true
        owner: ana
        """;
    TestProject p = new TestProject(root).write("gpu.runconfig", original);
    RunConfiguration c = p.configs.runConfiguration("gpu").value();

    p.configs.writeRunConfiguration(c);
    assertThat(p.read("gpu.runconfig")).isEqualTo(original);

    p.configs.writeRunConfiguration(
        new RunConfiguration(
            c.name(),
            null,
            List.of("$file", "20"),
            c.target(),
            null,
            null,
            "aml_config/gpu_env2.yml",
            null,
            null,
            null,
            c.otherKeys(),
            c.form()));
    assertThat(p.read("gpu.runconfig"))
        .isEqualTo(
            """
            # experiments on the GPU box
            ArgumentVector:
              - $file
              - "20"
            Target: gpu
            CondaFile: aml_config/gpu_env2.yml   # pinned CUDA build
            UseSampling: true
            owner: ana
            """);
    assertThat(p.configs.runConfiguration("gpu").value().argumentVector())
        .containsExactly("$file", "20");
  }

  @Test
  void switchingFormRewritesTheFileInTheNewForm() {
    TestProject p = new TestProject(root).write("docker.runconfig", LEGACY_JSON);
    RunConfiguration c = p.configs.runConfiguration("docker").value();

    p.configs.writeRunConfiguration(
        new RunConfiguration(
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
            RunConfiguration.Form.YAML));

    assertThat(p.read("docker.runconfig"))
        .isEqualTo(
            """
            ArgumentVector:
              - $file
            Target: docker
            Framework: PySpark
            PrepareEnvironment: true
            TrackedRun: true
            Description: Run inside a custom-built docker container.
            ManagedEnvironment: true
            """);
  }

  @Test
  void environmentVariablesAreWrittenAsAMapAndRoundTrip() {
    TestProject p = new TestProject(root).write("e.runconfig", "Target: local\n");
    RunConfiguration c = p.configs.runConfiguration("e").value();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PLAIN", "value");
    env.put("NUMBER", "4");
    env.put("EMPTY", "");
    env.put("WEIRD KEY", "a: b # c");

    p.configs.writeRunConfiguration(
        new RunConfiguration(
            c.name(), null, null, "local", env, null, null, null, null, null, Map.of(), c.form()));

    assertThat(p.read("e.runconfig"))
        .isEqualTo(
            """
            Target: local
            EnvironmentVariables:
              PLAIN: value
              NUMBER: "4"
              EMPTY: ""
              WEIRD KEY: "a: b # c"
            """);
    assertThat(p.configs.runConfiguration("e").value().environmentVariables())
        .containsExactlyEntriesOf(env);
  }

  @Test
  void aFileThatCannotBeParsedIsNeverOverwritten() {
    String broken = "{ \"Target\": \"docker\",\n  \"TrackedRun\": tru }\n";
    TestProject p = new TestProject(root).write("b.runconfig", broken);

    Assertions.assertThatThrownBy(
            () ->
                p.configs.writeRunConfiguration(
                    RunConfiguration.forTarget("b", "docker", Framework.PYTHON)))
        .hasMessageStartingWith("aml_config/b.runconfig:2:17: invalid JSON");
    assertThat(p.read("b.runconfig")).isEqualTo(broken);
  }
}
