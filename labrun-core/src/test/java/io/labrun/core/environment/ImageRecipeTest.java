package io.labrun.core.environment;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.config.CondaDependencies;
import io.labrun.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageRecipeTest {
  @TempDir Path project;

  @Test
  void buildsFromTheBaseImageByIdWithBothStrategies() throws Exception {
    Files.writeString(project.resolve("demo-1.0-py3-none-any.whl"), "wheel");
    Path links = Files.createDirectories(project.resolve("links"));
    EnvironmentSpec spec =
        EnvironmentSpec.of(
            "docker-image sha256:abc",
            new CondaDependencies(
                "e",
                List.of(),
                List.of("python=3.11", "numpy=1.26"),
                List.of("demo-1.0-py3-none-any.whl", "tqdm")),
            project,
            List.of(Map.of("PIP_FIND_LINKS", links.toString(), "PIP_INDEX_URL", "https://x/it's")));
    ImageRecipe r = ImageRecipe.of(spec, "sha256:abc", project.resolve("labrun_env.py"));
    assertThat(r.texts().get("Dockerfile"))
        .contains("FROM sha256:abc\n")
        .contains("COPY labrun-build /labrun-build");
    String sh = r.texts().get("labrun-build/build.sh");
    assertThat(sh)
        .contains("export PIP_FIND_LINKS='/labrun-build/find-links'")
        .contains("export PIP_INDEX_URL='https://x/it'\\''s'")
        .contains("micromamba create -y -p /opt/labrun/env")
        .contains("python3 /labrun-build/labrun_env.py /labrun-build/env.json");
    assertThat(r.copies())
        .containsEntry("labrun-build/find-links", links)
        .containsEntry(
            "labrun-build/wheels/demo-1.0-py3-none-any.whl",
            project.resolve("demo-1.0-py3-none-any.whl"));
    assertThat(r.texts().get("labrun-build/environment.yml"))
        .contains("  - \"numpy=1.26\"\n")
        .contains("  - \"pip\"\n")
        .contains("    - \"/labrun-build/wheels/demo-1.0-py3-none-any.whl\"\n")
        .contains("    - \"tqdm\"\n");
    Map<String, Object> venv = Json.parseObject(r.texts().get("labrun-build/env.json"));
    assertThat(venv)
        .containsEntry("prefix", "/opt/labrun/env")
        .containsEntry("python", "3.11")
        .containsEntry(
            "requirements",
            List.of("tqdm", "/labrun-build/wheels/demo-1.0-py3-none-any.whl", "numpy==1.26.*"))
        .containsEntry("conda", Map.of("numpy", "numpy=1.26"));
  }
}
