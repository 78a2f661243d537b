package io.labrun.compute.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.BuildResponseItem;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.run.RunEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a build's stream is shown, logged and, when it fails, explained. */
class ImageBuildTest {
  @TempDir Path tmp;
  final List<String> progress = new ArrayList<>();
  final List<String> transients = new ArrayList<>();
  final RunEvents events =
      new RunEvents() {
        @Override
        public void progress(String message) {
          progress.add(message);
        }

        @Override
        public void transientProgress(String line) {
          transients.add(line);
        }
      };

  static BuildResponseItem item(String json) throws Exception {
    return new ObjectMapper().readValue(json, BuildResponseItem.class);
  }

  @Test
  void stepsAreProgressLinesAndOtherLinesTransientEvenWhenSplitAcrossChunks() throws Exception {
    ImageBuild b = new ImageBuild(tmp.resolve("build.log"), events);
    b.onNext(item("{\"stream\":\"Step 1/3 : FROM sha256:abc\\n ---> abc\\n\"}"));
    b.onNext(
        item(
            "{\"stream\":\"Step 3/3 : RUN [\\\"/bin/sh\\\", \\\"/labrun-build/build.sh\\\"]\\n"
                + "Collecting wh\"}"));
    b.onNext(item("{\"stream\":\"eeldemo\\n\"}"));
    b.finish("labrun-env:x");
    assertThat(progress)
        .containsExactly(
            "build Step 1/3 : FROM sha256:abc",
            "build Step 3/3 : RUN [\"/bin/sh\", \"/labrun-build/build.sh\"]");
    assertThat(transients).containsExactly(" ---> abc", "Collecting wheeldemo");
    assertThat(tmp.resolve("build.log")).content().contains("Collecting wheeldemo\n");
  }

  @Test
  void aFailedStepIsNamedAfterTheTailOfTheLog() throws Exception {
    ImageBuild b = new ImageBuild(tmp.resolve("build.log"), events);
    b.onNext(item("{\"stream\":\"Step 2/4 : RUN make\\n\"}"));
    for (int i = 0; i < 30; i++) {
      b.onNext(item("{\"stream\":\"line " + i + "\\n\"}"));
    }
    b.onNext(
        item(
            "{\"errorDetail\":{\"code\":2,\"message\":\"The command '/bin/sh -c make' returned a"
                + " non-zero code: 2\"},\"error\":\"x\"}"));
    assertThatThrownBy(() -> b.finish("labrun-env:x"))
        .isInstanceOfSatisfying(
            LabrunException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
              assertThat(e.getMessage())
                  .startsWith(
                      "building labrun-env:x failed at Step 2/4 : RUN make: The command '/bin/sh -c"
                          + " make' returned a non-zero code: 2")
                  .contains("build log: " + tmp.resolve("build.log"))
                  .doesNotContain("\n");
            });
    assertThat(progress)
        .contains("the build of labrun-env:x failed; the last lines of its log:", "  | line 29")
        .doesNotContain("  | line 10");
  }

  @Test
  void anExplainedFailureIsTheExplanation() throws Exception {
    ImageBuild b = new ImageBuild(tmp.resolve("build.log"), events);
    b.onNext(
        item("{\"stream\":\"Step 3/8 : RUN x\\nLABRUN-ERROR: 'cudatoolkit' is conda-only\\n\"}"));
    b.onNext(item("{\"errorDetail\":{\"message\":\"returned a non-zero code: 4\"}}"));
    assertThatThrownBy(() -> b.finish("labrun-env:x"))
        .hasMessageStartingWith(
            "cannot build labrun-env:x (step 3/8): 'cudatoolkit' is conda-only");
  }

  @Test
  void engineMessagesLoseTheirJsonWrapping() {
    assertThat(
            DockerEngine.message(
                new RuntimeException(
                    "Status 500: {\"message\":\"could not select device driver \\\"\\\" with"
                        + " capabilities: [[gpu]]\"}\n")))
        .isEqualTo("could not select device driver \"\" with capabilities: [[gpu]]");
    assertThat(
            DockerEngine.unreachable(new RuntimeException(new IOException("Connection refused"))))
        .isTrue();
    assertThat(DockerEngine.unreachable(new NotFoundException("no such image"))).isFalse();
  }
}
