package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts written for the original's APIs, run on the local target through the CLI: the SDK's
 * {@code azureml.core.run.Run}, and what it records as seen by {@code history info -o json}.
 */
class WorkbenchApisIT {
  @TempDir Path tmp;
  Path project;
  Cli cli;

  @BeforeEach
  void init() {
    cli = new Cli(tmp);
    project = tmp.resolve("diabetes");
    assertThat(cli.in(tmp, "project", "init", "diabetes").code()).isZero();
  }

  @Test
  void theSdksRunObjectRecordsMetricsTagsAndUploadedFiles() throws Exception {
    Files.writeString(
        project.resolve("train.py"),
        """
        from azureml.core.run import Run
        run = Run.get_submitted_run()
        run.log("alpha", 0.03)
        run.log("mse", 3000.5)
        run.log("mse", 2900.25)
        run.log_list("errors", [0.5, 0.25])
        run.log_row("citrus", fruit="lime", size=3)
        run.tag("model", "ridge")
        run.set_tags({"features": 10})
        with open("notes.txt", "w") as f:
            f.write("hello")
        run.upload_file("docs/notes.txt", "notes.txt")
        print("details", run.get_details()["runId"])
        """);
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local", "train.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String runId =
        r.err().lines().filter(l -> l.startsWith("RunId: ")).findFirst().orElseThrow().substring(7);
    assertThat(r.out()).contains("details " + runId);

    Cli.Result info = cli.in(project, "history", "info", "-r", runId, "-o", "json");
    assertThat(info.code()).as(info.toString()).isZero();
    Map<String, Object> run = Json.parseObject(info.out());
    assertThat(run.get("status")).isEqualTo("Completed");
    assertThat(run.get("tags")).isEqualTo(Map.of("model", "ridge", "features", "10"));
    Map<String, Object> metrics = map(run.get("metrics"));
    assertThat(metrics).containsOnlyKeys("alpha", "mse", "errors", "citrus");
    assertThat(map(metrics.get("mse"))).containsEntry("last", 2900.25).containsEntry("count", 2L);
    assertThat(jsonText(map(metrics.get("errors")).get("last"))).isEqualTo("[0.5,0.25]");
    assertThat(jsonText(map(metrics.get("citrus")).get("last")))
        .isEqualTo("{\"fruit\":\"lime\",\"size\":3}");
    List<?> attachments = (List<?>) run.get("attachments");
    assertThat(attachments).hasSize(1);
    assertThat(map(attachments.get(0)))
        .containsEntry("path", "docs/notes.txt")
        .containsEntry("size", 5L);

    Path dl = tmp.resolve("dl");
    Cli.Result d = cli.in(project, "history", "download", "-r", runId, "-d", dl.toString());
    assertThat(d.code()).as(d.toString()).isZero();
    assertThat(Files.readString(dl.resolve("docs/notes.txt"))).isEqualTo("hello");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  /**
   * A list or dict metric's value as compact JSON text, whether the output gives it as JSON or as
   * its text.
   */
  static String jsonText(Object value) {
    return (value instanceof String s ? s : Json.write(value)).replace(" ", "");
  }
}
