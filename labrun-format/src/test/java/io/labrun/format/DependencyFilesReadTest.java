package io.labrun.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.labrun.core.config.CondaDependencies;
import io.labrun.core.config.Loaded;
import io.labrun.core.config.SparkDependencies;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading {@code conda_dependencies.yml} and {@code spark_dependencies.yml}. */
class DependencyFilesReadTest {
  @TempDir Path root;

  @Test
  void theOriginalSparkSample() {
    TestProject p =
        new TestProject(root)
            .write(
                "spark_dependencies.yml",
                """
                configuration:            # Spark properties, passed as --conf
                  "spark.app.name": "Classifying Iris"
                  "spark.yarn.maxAppAttempts": 1
                repositories:             # extra Maven repositories (--repositories)
                  - "https://example.org/maven"
                packages:                 # Maven coordinates (--packages group:artifact:version)
                  - group: "com.microsoft.sqlserver"
                    artifact: "mssql-jdbc"
                    version: "6.2.1.jre8"
                """);

    SparkDependencies s = p.configs.sparkDependencies("aml_config/spark_dependencies.yml").value();

    assertThat(s.configuration())
        .containsExactly(
            entry("spark.app.name", "Classifying Iris"), entry("spark.yarn.maxAppAttempts", "1"));
    assertThat(s.repositories()).containsExactly("https://example.org/maven");
    assertThat(s.packages())
        .containsExactly(
            new SparkDependencies.MavenPackage(
                "com.microsoft.sqlserver", "mssql-jdbc", "6.2.1.jre8"));
    assertThat(s.sparkSubmitArguments())
        .containsExactly(
            "--conf",
            "spark.app.name=Classifying Iris",
            "--conf",
            "spark.yarn.maxAppAttempts=1",
            "--repositories",
            "https://example.org/maven",
            "--packages",
            "com.microsoft.sqlserver:mssql-jdbc:6.2.1.jre8");
  }

  @Test
  void aTabAfterTheColonLoadsAsLibyamlLoadedItAndVersionIsKnown() {
    // As two of the original's samples wrote it (libyaml, the original's parser, loads it).
    TestProject p =
        new TestProject(root)
            .write(
                "spark_dependencies.yml",
                """
                version: 2
                configuration:
                  "spark.app.name":\t"Classify MNIST"
                  'it''s':\t \t1
                  plain:\tkeeps\ttabs  # a comment: with "quotes" and:\ttabs
                packages:
                  - group:\t"com.microsoft.ml.spark"
                    artifact: "mmlspark_2.11"
                    version: "0.9.9"
                """);

    Loaded<SparkDependencies> l = p.configs.sparkDependencies("aml_config/spark_dependencies.yml");

    assertThat(l.warnings()).isEmpty();
    assertThat(l.value().configuration())
        .containsExactly(
            entry("spark.app.name", "Classify MNIST"),
            entry("it's", "1"),
            entry("plain", "keeps\ttabs"));
    assertThat(l.value().packages())
        .containsExactly(
            new SparkDependencies.MavenPackage("com.microsoft.ml.spark", "mmlspark_2.11", "0.9.9"));
  }

  @Test
  void sparkValuesAreStringifiedAsWritten() {
    TestProject p =
        new TestProject(root)
            .write(
                "s.yml",
                """
                configuration:
                  spark.dynamicAllocation.enabled: true
                  spark.executor.instances: 2
                packages:
                  - {group: org.example, artifact: lib, version: 1.0}
                """);

    SparkDependencies s = p.configs.sparkDependencies("aml_config/s.yml").value();

    assertThat(s.configuration())
        .containsExactly(
            entry("spark.dynamicAllocation.enabled", "true"),
            entry("spark.executor.instances", "2"));
    assertThat(s.packages().get(0).version()).isEqualTo("1.0");
  }

  @Test
  void aCondaFileWithChannelsAndPip() {
    TestProject p =
        new TestProject(root)
            .write(
                "conda_dependencies.yml",
                """
                name: project_environment
                channels:
                  - conda-forge
                dependencies:
                  - python=3.5.2
                  - scikit-learn
                  - pip:
                    - https://example.org/wheels/lib-1.0-py3-none-any.whl
                    - ./wheels/mine-0.1-py3-none-any.whl
                """);

    Loaded<CondaDependencies> loaded =
        p.configs.condaDependencies("aml_config/conda_dependencies.yml");

    CondaDependencies c = loaded.value();
    assertThat(c.name()).isEqualTo("project_environment");
    assertThat(c.channels()).containsExactly("conda-forge");
    assertThat(c.condaPackages()).containsExactly("python=3.5.2", "scikit-learn");
    assertThat(c.pipPackages())
        .containsExactly(
            "https://example.org/wheels/lib-1.0-py3-none-any.whl",
            "./wheels/mine-0.1-py3-none-any.whl");
    assertThat(c.pythonVersion()).contains("3.5.2");
    assertThat(loaded.warnings()).isEmpty();
  }

  @Test
  void missingAndEmptyFilesAreEmptySpecs() {
    TestProject p =
        new TestProject(root).write("empty.yml", "").write("comments.yml", "# nothing yet\n");

    assertThat(p.configs.condaDependencies("aml_config/nope.yml").value())
        .isEqualTo(CondaDependencies.empty());
    assertThat(p.configs.condaDependencies("aml_config/empty.yml").value())
        .isEqualTo(CondaDependencies.empty());
    assertThat(p.configs.sparkDependencies("aml_config/nope.yml").value())
        .isEqualTo(SparkDependencies.empty());
    assertThat(p.configs.sparkDependencies("aml_config/comments.yml").value())
        .isEqualTo(SparkDependencies.empty());
  }

  @Test
  void unknownKeysAreIgnoredWithAWarning() {
    TestProject p =
        new TestProject(root)
            .write("c.yml", "name: env\nprefix: /opt/env\ndependecies:\n  - numpy\n")
            .write(
                "s.yml",
                "packages:\n"
                    + "  - group: g\n"
                    + "    artifact: a\n"
                    + "    version: '1'\n"
                    + "    scope: runtime\n"
                    + "repository: []\n");

    assertThat(p.configs.condaDependencies("aml_config/c.yml").warnings())
        .containsExactly(
            "aml_config/c.yml:2:1: 'prefix' is not used by labrun (it builds the environment where"
                + " it needs it)",
            "aml_config/c.yml:3:1: unknown key 'dependecies' ignored (did you mean"
                + " 'dependencies'?)");
    assertThat(p.configs.sparkDependencies("aml_config/s.yml").warnings())
        .containsExactly(
            "aml_config/s.yml:5:5: unknown key 'scope' in 'packages' item 1 ignored",
            "aml_config/s.yml:6:1: unknown key 'repository' ignored (did you mean"
                + " 'repositories'?)");
  }
}
