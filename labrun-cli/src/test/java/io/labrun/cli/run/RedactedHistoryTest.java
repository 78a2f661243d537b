package io.labrun.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.store.SqlRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code history info} shows a run through the same redaction as the REST API, in text and in JSON.
 */
class RedactedHistoryTest {
  @TempDir Path tmp;

  @Test
  void historyInfoHidesSecretParamsTagsAndUrlPasswordsInTextAndJson() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("labrun/data"));
    try (SqlRunStore store = SqlRunStore.open("jdbc:sqlite:" + data.resolve("labrun.db"))) {
      Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
      store.create(
          new Run(
              "iris_1",
              "iris",
              "local",
              "local",
              "local",
              "train.py",
              List.of("postgres://alice:hunter2@db.example/runs", "--api-token=tok-123", "0.5"),
              Map.of("MODE", "fast", "DB_URL", "https://bob:pa55@files.example/x"),
              "alice",
              "laptop",
              null,
              null,
              null,
              t0,
              null,
              null,
              RunStatus.QUEUED,
              null,
              null,
              null,
              1,
              Map.of()));
      store.putParams(
          "iris_1",
          Map.of(
              "db_password", "hunter2", "alpha", "0.1", "source", "postgres://alice:hunter2@db/x"));
      store.putTags("iris_1", Map.of("api_token", "tok-123", "team", "vision"));
    }
    Cli cli = new Cli(tmp);
    for (List<String> format : List.of(List.<String>of(), List.of("-o", "json"))) {
      String[] args =
          Stream.concat(Stream.of("history", "info", "-r", "iris_1"), format.stream())
              .toArray(String[]::new);
      Cli.Result r = cli.in(tmp, args);
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out())
          .as(format.toString())
          .doesNotContain("hunter2")
          .doesNotContain("tok-123")
          .doesNotContain("pa55")
          .contains("postgres://alice:***@db.example/runs")
          .contains("--api-token=***")
          .contains("https://bob:***@files.example/x")
          .contains("0.1")
          .contains("vision")
          .contains("fast");
    }
    assertThat(cli.in(tmp, "history", "info", "-r", "iris_1", "-o", "json").out())
        .contains("\"db_password\" : \"***\"")
        .contains("\"api_token\" : \"***\"");
  }
}
