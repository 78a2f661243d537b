package io.labrun.compute.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkSubmissionTest {
  @TempDir Path state;

  @Test
  void theKeptSubmissionHidesSecretsAndKeepsWhatLabrunReadsLater() throws Exception {
    SparkSubmission s =
        new SparkSubmission(
            "run1",
            "/spark",
            "spark-submit",
            "spark://h:7077",
            "http://h:8080",
            "/work",
            List.of("--conf", "x=https://u:pw1@repo/m"),
            Map.of("spark.db.password", "pw2", "spark.app.name", "n"),
            List.of(),
            List.of(),
            List.of(),
            false,
            "train.py",
            List.of("--api-token", "pw3", "postgres://me:pw4@db/x", "0.5"),
            null,
            null,
            List.of("DB_PASSWORD"));
    s.shown().write(state);

    String kept = Files.readString(state.resolve(SparkSubmission.FILE_NAME));
    assertThat(kept).doesNotContain("pw1", "pw2", "pw3", "pw4");
    SparkSubmission back = SparkSubmission.read(state.resolve(SparkSubmission.FILE_NAME));
    assertThat(back.master()).isEqualTo("spark://h:7077");
    assertThat(back.masterUi()).isEqualTo("http://h:8080");
    assertThat(back.runId()).isEqualTo("run1");
    assertThat(back.appArgs())
        .containsExactly("--api-token", "***", "postgres://me:***@db/x", "0.5");
    assertThat(back.conf())
        .containsEntry("spark.db.password", "***")
        .containsEntry("spark.app.name", "n");
  }

  @Test
  void aSubmissionWithoutSecretsIsKeptAsItIs() {
    SparkSubmission s =
        new SparkSubmission(
            "run1",
            "/spark",
            "spark-submit",
            null,
            null,
            "/work",
            List.of(),
            Map.of("spark.app.name", "n"),
            List.of(),
            List.of(),
            List.of(),
            true,
            "train.py",
            List.of("0.5"),
            "app",
            "client",
            List.of());
    assertThat(s.shown()).isEqualTo(s);
  }
}
