package io.labrun.core.environment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build folder is a tar that GNU tar (as Docker's engine) reads back exactly. */
class BuildFolderTest {
  @TempDir Path tmp;

  @Test
  void gnuTarReadsBackEveryFileItsBytesModeAndALongName() throws Exception {
    Path links = Files.createDirectories(tmp.resolve("links/deep"));
    Files.write(links.resolve("pkg-1.0-py3-none-any.whl"), new byte[1000]);
    String longName = "labrun-build/wheels/" + "a".repeat(120) + "-1.0-py3-none-any.whl";
    Path wheel = Files.write(tmp.resolve("w.whl"), "wheel ü".getBytes(StandardCharsets.UTF_8));
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put("Dockerfile", "FROM sha256:abc\n");
    texts.put("labrun-build/build.sh", "#!/bin/sh\necho ok\n");
    Map<String, Path> copies = new LinkedHashMap<>();
    copies.put("labrun-build/find-links", tmp.resolve("links"));
    copies.put(longName, wheel);

    Path tar = BuildFolder.tar(new ImageRecipe(texts, copies), tmp.resolve("tmp"));

    Path out = Files.createDirectories(tmp.resolve("out"));
    Process p =
        new ProcessBuilder("tar", "-xf", tar.toString(), "-C", out.toString())
            .redirectErrorStream(true)
            .start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(said).isZero();
    assertThat(said).isEmpty();
    assertThat(out.resolve("Dockerfile")).hasContent("FROM sha256:abc\n");
    assertThat(Files.isExecutable(out.resolve("labrun-build/build.sh"))).isTrue();
    assertThat(Files.isExecutable(out.resolve("Dockerfile"))).isFalse();
    assertThat(Files.size(out.resolve("labrun-build/find-links/deep/pkg-1.0-py3-none-any.whl")))
        .isEqualTo(1000);
    assertThat(out.resolve(longName)).hasBinaryContent("wheel ü".getBytes(StandardCharsets.UTF_8));
    try (var all = Files.walk(out)) {
      assertThat(all.filter(Files::isRegularFile).count()).isEqualTo(4);
    }
  }
}
