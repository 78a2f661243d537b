package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The format module's corpus of malformed files, met through the commands a user runs: each one is
 * a single line naming the file and position, exit code 2, and no run left in the history.
 */
class MalformedFilesCliTest {
  private static final Path CORPUS =
      Path.of("..", "labrun-format", "src", "test", "resources", "malformed");

  @TempDir Path tmp;

  static Stream<String> corpus() throws Exception {
    try (Stream<Path> files = Files.list(CORPUS)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void oneLineExitTwoNoRun(String file) throws Exception {
    Cli cli = new Cli(tmp);
    Path project = tmp.resolve("p");
    assertThat(cli.in(tmp, "project", "init", "p").code()).isZero();
    Files.writeString(project.resolve("train.py"), "print('never runs')\n");
    Path config = project.resolve("aml_config");
    byte[] content = Files.readAllBytes(CORPUS.resolve(file));
    Cli.Result r;
    String expectedFile;
    if (file.endsWith(".compute")) {
      Files.write(config.resolve("bad.compute"), content);
      expectedFile = "aml_config/bad.compute:";
      r = cli.in(project, "computetarget", "show", "bad");
    } else if (file.endsWith(".runconfig")) {
      Files.write(config.resolve("bad.runconfig"), content);
      expectedFile = "aml_config/bad.runconfig:";
      r = cli.in(project, "experiment", "submit", "-c", "bad", "train.py");
    } else if (file.startsWith("conda")) {
      // The local target reads no conda file unless labrun's own venv is asked for.
      Files.write(config.resolve("conda_dependencies.yml"), content);
      Files.writeString(config.resolve("venv.compute"), "type: local\nlabrunLocalVenv: true\n");
      Files.writeString(
          config.resolve("venv.runconfig"), "ArgumentVector: [\"$file\"]\nTarget: venv\n");
      expectedFile = "aml_config/conda_dependencies.yml:";
      r = cli.in(project, "experiment", "submit", "-c", "venv", "train.py");
    } else {
      Files.write(config.resolve("spark_dependencies.yml"), content);
      Files.writeString(
          config.resolve("spark.runconfig"),
          "ArgumentVector: [\"$file\"]\nTarget: local\nFramework: PySpark\n");
      expectedFile = "aml_config/spark_dependencies.yml:";
      r = cli.in(project, "experiment", "submit", "-c", "spark", "train.py");
    }
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).as(r.toString()).startsWith("labrun: " + expectedFile);
    assertThat(r.err().strip().lines().count()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.out()).doesNotContain("never runs");
    assertThat(tmp.resolve("labrun/data/runs")).doesNotExist();
  }
}
