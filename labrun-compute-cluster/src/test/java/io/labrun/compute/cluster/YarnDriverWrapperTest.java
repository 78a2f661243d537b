package io.labrun.compute.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YarnDriverWrapperTest {
  @TempDir Path tmp;

  @Test
  void theWrapperRunsTheScriptAndLeavesItsOutputsInTheLogFolderEvenWhenItFails() throws Exception {
    Path container = Files.createDirectories(tmp.resolve("container"));
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    Files.writeString(
        container.resolve("train.py"),
        """
        import sys
        import helper
        print("ARGS", sys.argv)
        with open("outputs/model.txt", "w") as f:
            f.write("weights")
        import os
        os.makedirs("outputs/plots")
        open("outputs/plots/loss.txt", "w").write("0.1")
        sys.exit(3)
        """);
    Files.writeString(container.resolve("helper.py"), "");
    Path wrapper = YarnDriverWrapper.write(tmp);
    ProcessBuilder pb =
        new ProcessBuilder("/usr/bin/python3", wrapper.toString(), "train.py", "0.5")
            .directory(container.toFile())
            .redirectErrorStream(true);
    pb.environment().put("LOG_DIRS", logs + ",/elsewhere");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isEqualTo(3);
    assertThat(out).contains("ARGS ['train.py', '0.5']");

    Path work = tmp.resolve("work");
    assertThat(
            YarnDriverWrapper.unpack(Files.readAllBytes(logs.resolve(YarnDriverWrapper.ZIP)), work))
        .isEqualTo(2);
    assertThat(work.resolve("outputs/model.txt")).hasContent("weights");
    assertThat(work.resolve("outputs/plots/loss.txt")).hasContent("0.1");
  }

  @Test
  void onlyEntriesUnderOutputsAreUnpacked() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (String name :
          new String[] {
            "outputs/ok.txt", "../escape.txt", "outputs/../../escape2.txt", "other.txt"
          }) {
        z.putNextEntry(new ZipEntry(name));
        z.write(name.getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    Path work = Files.createDirectories(tmp.resolve("w/work"));
    assertThat(YarnDriverWrapper.unpack(bytes.toByteArray(), work)).isEqualTo(1);
    assertThat(work.resolve("outputs/ok.txt")).exists();
    assertThat(tmp.resolve("w/escape.txt")).doesNotExist();
    assertThat(tmp.resolve("escape2.txt")).doesNotExist();
    assertThat(work.resolve("other.txt")).doesNotExist();
  }
}
