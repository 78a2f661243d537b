package io.labrun.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void passwordsInsideUrlsAreHiddenAndTheRestKept() {
    assertThat(Redaction.value("postgres://user:s3cr3t@db.example:5432/runs"))
        .isEqualTo("postgres://user:***@db.example:5432/runs");
    assertThat(Redaction.value("fetch https://bob:p%40ss@files.example/x and ftp://ann:pw@h/"))
        .isEqualTo("fetch https://bob:***@files.example/x and ftp://ann:***@h/");
    assertThat(Redaction.value("https://files.example/a:b@c"))
        .isEqualTo("https://files.example/a:b@c");
    assertThat(Redaction.value("https://user@files.example/"))
        .isEqualTo("https://user@files.example/");
    assertThat(Redaction.value("0.5")).isEqualTo("0.5");
    assertThat(Redaction.value(null)).isNull();
  }

  @Test
  void namedValuesHideSecretLookingNamesAndUrlPasswords() {
    Map<String, String> given = new LinkedHashMap<>();
    given.put("db_password", "hunter2");
    given.put("api_token", "abc");
    given.put("AWS_SECRET_ACCESS_KEY", "k");
    given.put("db_url", "postgres://me:hunter2@h/db");
    given.put("alpha", "0.1");
    assertThat(Redaction.named(given))
        .containsExactly(
            Map.entry("db_password", "***"),
            Map.entry("api_token", "***"),
            Map.entry("AWS_SECRET_ACCESS_KEY", "***"),
            Map.entry("db_url", "postgres://me:***@h/db"),
            Map.entry("alpha", "0.1"));
  }

  @Test
  void argumentsHideSecretOptionsTheirValuesAndUrlPasswords() {
    assertThat(
            Redaction.arguments(
                List.of(
                    "0.5",
                    "--db-password=hunter2",
                    "--api-token",
                    "abc",
                    "--epochs",
                    "3",
                    "postgres://u:pw@h/d")))
        .containsExactly(
            "0.5",
            "--db-password=***",
            "--api-token",
            "***",
            "--epochs",
            "3",
            "postgres://u:***@h/d");
  }

  @Test
  void configurationTextHidesSecretKeysOfYamlAndJsonLinesOnly() {
    String yaml =
        """
        script: train.py
        environmentVariables:
          DB_PASSWORD: hunter2
          "API_TOKEN": "abc"
          MODE: fast
          DB_URL: postgres://me:pw@h/db
        password: plain
        """;
    assertThat(Redaction.configText(yaml))
        .isEqualTo(
            """
            script: train.py
            environmentVariables:
              DB_PASSWORD: ***
              "API_TOKEN": "***"
              MODE: fast
              DB_URL: postgres://me:***@h/db
            password: ***
            """);
    assertThat(
            Redaction.configText(
                "{\"EnvironmentVariables\": {\n  \"DB_PASSWORD\": \"x\",\n  \"N\": \"1\"\n}}"))
        .isEqualTo("{\"EnvironmentVariables\": {\n  \"DB_PASSWORD\": \"***\",\n  \"N\": \"1\"\n}}");
  }
}
