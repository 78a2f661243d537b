package io.labrun.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Edge cases of editing YAML text in place. */
class YamlEditorTest {
  @TempDir Path root;

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          key: value                      | 0 | ``
          key: value  # why               | 0 | `  # why`
          key: "a # b"  # why             | 0 | `  # why`
          key: 'it''s # x' # why          | 0 | ` # why`
          key: it's # why                 | 0 | ` # why`
          "key #1": v # why               | 0 | ` # why`
          key: a#b                        | 0 | ``
          key: [a, "b # c", 'd'] # why    | 0 | ` # why`
          key: "unclosed # x              | 0 | ``
            key: v # why                  | 2 | ` # why`
          """)
  void findsTheCommentAtTheEndOfALine(String line, int from, String comment) {
    assertThat(InlineComment.of(line.stripTrailing(), from)).isEqualTo(comment);
  }

  @Test
  void aFileWithoutFinalNewlineGetsOneBeforeAnAppendedKey() {
    TestProject p = new TestProject(root).write("x.compute", "type: local");

    p.configs.writeComputeTarget(p.configs.computeTarget("x").value().withSparkMaster("yarn"));

    assertThat(p.read("x.compute")).isEqualTo("type: local\nsparkMaster: yarn\n");
  }

  @Test
  void keysAreAppendedBeforeADocumentEndMarker() {
    TestProject p =
        new TestProject(root)
            .write("x.compute", "---\ntype: local\n# trailing note\n...\n# after the end\n");

    p.configs.writeComputeTarget(p.configs.computeTarget("x").value().withSparkMaster("yarn"));

    assertThat(p.read("x.compute"))
        .isEqualTo("---\ntype: local\n# trailing note\nsparkMaster: yarn\n...\n# after the end\n");
  }

  @Test
  void aDeletedKeyTakesItsBlockButNotTheCommentsBeforeTheNextKey() {
    TestProject p =
        new TestProject(root)
            .write(
                "x.compute",
                """
                type: docker
                baseDockerImage: >
                  long
                  image
                # about GPUs
                nvidiaDocker: true
                """);
    ComputeTargetSpec spec = p.configs.computeTarget("x").value();

    p.configs.writeComputeTarget(spec.withBaseDockerImage(null));

    assertThat(p.read("x.compute")).isEqualTo("type: docker\n# about GPUs\nnvidiaDocker: true\n");
  }

  @Test
  void anEmptyExistingFileGetsTheKeys() {
    TestProject p = new TestProject(root).write("x.compute", "# only a comment\n");

    p.configs.writeComputeTarget(ComputeTargetSpec.of("x", TargetType.LOCAL));

    assertThat(p.read("x.compute")).isEqualTo("# only a comment\ntype: local\n");
  }

  @Test
  void aLoneCarriageReturnEndsALineAsForTheParser() {
    TestProject p =
        new TestProject(root)
            .write("x.compute", "type: local\rpythonLocation: python # why\rextra:\n  a: 1\n");

    p.configs.writeComputeTarget(p.configs.computeTarget("x").value().withPython("py", null, null));

    assertThat(p.read("x.compute"))
        .isEqualTo("type: local\rpythonLocation: py # why\nextra:\n  a: 1\n");
  }
}
