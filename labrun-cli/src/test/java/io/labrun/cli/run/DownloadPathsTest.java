package io.labrun.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.app.Downloads;
import io.labrun.core.error.LabrunException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * File names a history (or a server) hands back never place a file outside the folder asked for.
 */
class DownloadPathsTest {
  private final Path dir = Path.of("/tmp/labrun-download");

  @Test
  void aNameInsideTheFolderIsKept() {
    assertThat(Downloads.inside(dir, "outputs/plots/a.png", "r1"))
        .isEqualTo(dir.resolve("outputs/plots/a.png"));
  }

  @Test
  void namesThatLeaveTheFolderAreRefused() {
    for (String bad : new String[] {"../x", "outputs/../../x", "/etc/passwd", ".", "outputs/.."}) {
      assertThatThrownBy(() -> Downloads.inside(dir, bad, "r1"))
          .as(bad)
          .isInstanceOf(LabrunException.class)
          .hasMessageContaining("points outside");
    }
  }
}
