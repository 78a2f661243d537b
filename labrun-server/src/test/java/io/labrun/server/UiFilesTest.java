package io.labrun.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UiFilesTest {
  @TempDir Path tmp;

  @Test
  void theUisFilesAreCopiedWholeAndWhatAnEarlierStartLeftGoes() throws IOException {
    Path ui = tmp.resolve("server/ui");
    Files.createDirectories(ui.resolve("old"));
    Files.writeString(ui.resolve("old/gone.js"), "from an older labrun");
    assertThat(UiFiles.copyTo(ui)).isEqualTo(ui);
    assertThat(ui.resolve("old")).doesNotExist();
    for (String name : new String[] {"index.html", "app.js", "vendor/uPlot.iife.min.js"}) {
      try (InputStream in = UiFiles.class.getResourceAsStream("/labrun-ui/" + name)) {
        assertThat(ui.resolve(name)).hasBinaryContent(in.readAllBytes());
      }
    }
  }
}
