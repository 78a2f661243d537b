package io.labrun.core.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.config.CondaDependencies;
import io.labrun.core.error.LabrunException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentSpecTest {
  @TempDir Path project;

  private EnvironmentSpec spec(List<String> conda, List<String> pip, Map<String, String> vars) {
    return EnvironmentSpec.of(
        "docker-image sha256:abc",
        new CondaDependencies("env", List.of("conda-forge"), conda, pip),
        project,
        List.of(vars));
  }

  @Test
  void reorderedRespacedAndRecasedSpecsHaveTheSameId() {
    EnvironmentSpec a =
        spec(
            List.of("python=3.11", "numpy=1.26", "scikit-learn>=1.3"),
            List.of("requests==2.31.0", "tqdm"),
            Map.of());
    EnvironmentSpec b =
        spec(
            List.of("scikit-learn >= 1.3", " numpy=1.26", "Python=3.11", "numpy=1.26"),
            List.of("tqdm", "Requests == 2.31.0"),
            Map.of());
    assertThat(b.canonicalText()).isEqualTo(a.canonicalText());
    assertThat(b.id()).isEqualTo(a.id()).hasSize(16).matches("[0-9a-f]+");
    assertThat(a.hash()).hasSize(64).startsWith(a.id());
  }

  @Test
  void anyRealChangeChangesTheId() {
    EnvironmentSpec a = spec(List.of("python=3.11", "numpy=1.26"), List.of(), Map.of());
    assertThat(spec(List.of("python=3.11", "numpy=1.25"), List.of(), Map.of()).id())
        .isNotEqualTo(a.id());
    assertThat(spec(List.of("python=3.12", "numpy=1.26"), List.of(), Map.of()).id())
        .isNotEqualTo(a.id());
    assertThat(spec(List.of("python=3.11", "numpy=1.26"), List.of("tqdm"), Map.of()).id())
        .isNotEqualTo(a.id());
    assertThat(
            spec(List.of("python=3.11", "numpy=1.26"), List.of(), Map.of("PIP_NO_INDEX", "1")).id())
        .isNotEqualTo(a.id());
    assertThat(
            EnvironmentSpec.of(
                    "docker-image sha256:def",
                    new CondaDependencies(
                        "env",
                        List.of("conda-forge"),
                        List.of("python=3.11", "numpy=1.26"),
                        List.of()),
                    project,
                    List.of())
                .id())
        .isNotEqualTo(a.id());
    assertThat(a.python()).isEqualTo("3.11");
  }

  @Test
  void localWheelsCountByContentNotByPath() throws Exception {
    Files.createDirectories(project.resolve("wheels"));
    Files.writeString(project.resolve("wheels/demo-1.0-py3-none-any.whl"), "one");
    EnvironmentSpec a = spec(List.of(), List.of("wheels/demo-1.0-py3-none-any.whl"), Map.of());
    assertThat(a.localPackages())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.contextPath()).isEqualTo("wheels/demo-1.0-py3-none-any.whl");
              assertThat(p.source()).isEqualTo(project.resolve("wheels/demo-1.0-py3-none-any.whl"));
            });
    assertThat(a.pipInstallList(p -> "/ctx/" + p.contextPath()))
        .containsExactly("/ctx/wheels/demo-1.0-py3-none-any.whl");
    Files.writeString(project.resolve("wheels/demo-1.0-py3-none-any.whl"), "two");
    assertThat(spec(List.of(), List.of("wheels/demo-1.0-py3-none-any.whl"), Map.of()).id())
        .isNotEqualTo(a.id());
  }

  @Test
  void aMissingLocalWheelIsAOneLineError() {
    assertThatThrownBy(
            () -> spec(List.of(), List.of("wheels/missing-1.0-py3-none-any.whl"), Map.of()))
        .isInstanceOf(LabrunException.class)
        .hasMessageContaining("names no file or folder in the project")
        .hasMessageNotContaining("\n");
  }

  @Test
  void pipOptionsComeFromTheFirstMapThatHasThem() {
    EnvironmentSpec s =
        EnvironmentSpec.of(
            "b",
            CondaDependencies.empty(),
            project,
            List.of(
                Map.of("PIP_NO_INDEX", "1"),
                Map.of("PIP_NO_INDEX", "0", "PIP_FIND_LINKS", "/w", "HOME", "/root")));
    assertThat(s.pipOptions())
        .containsExactly(Map.entry("PIP_FIND_LINKS", "/w"), Map.entry("PIP_NO_INDEX", "1"));
  }

  @Test
  void condaSpecsAreInstalledWithPipAfterThePipList() {
    EnvironmentSpec s =
        spec(List.of("python=3.11", "numpy=1.26", "pip"), List.of("tqdm"), Map.of());
    assertThat(s.pipInstallList(p -> p.contextPath())).containsExactly("tqdm", "numpy==1.26.*");
  }
}
