package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code history list} and {@code history info} say about real local runs: times ago, a cut
 * table, the scope outside a project, promoted assets; and a script that is not there.
 */
class HistoryListIT {
  @TempDir Path tmp;
  Path project;
  Cli cli;
  final List<String> runs = new ArrayList<>();

  @BeforeEach
  void threeRuns() throws Exception {
    cli = new Cli(tmp);
    project = tmp.resolve("hist");
    assertThat(cli.in(tmp, "project", "init", "hist").code()).isZero();
    Files.writeString(
        project.resolve("x.py"),
        "import os\n"
            + "os.makedirs('outputs', exist_ok=True)\n"
            + "open('outputs/model.pkl', 'w').write('m')\n");
    for (int i = 0; i < 3; i++) {
      Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local", "x.py");
      assertThat(r.code()).as(r.toString()).isZero();
      runs.add(
          r.err()
              .lines()
              .filter(l -> l.startsWith("RunId: "))
              .findFirst()
              .orElseThrow()
              .substring(7));
    }
  }

  @Test
  void sinceAndUntilTakeATimeAgoAsWellAsDates() {
    assertThat(ids(cli.in(project, "history", "list", "--since", "10m", "-o", "json")))
        .containsExactlyInAnyOrderElementsOf(runs);
    assertThat(ids(cli.in(project, "history", "list", "--until", "10m", "-o", "json"))).isEmpty();
    assertThat(ids(cli.in(project, "history", "list", "--since", "2020-01-01", "-o", "json")))
        .hasSize(3);
    assertThat(
            ids(
                cli.in(
                    project, "history", "list", "--since", "2020-01-01T00:00:00Z", "-o", "json")))
        .hasSize(3);
    Cli.Result bad = cli.in(project, "history", "list", "--since", "yesterday");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err())
        .isEqualTo(
            "labrun: --since must be a date (2026-11-26), a UTC time (2026-11-26T10:00:00Z) or a"
                + " time ago (10m, 2h, 1d), got 'yesterday'\n");
  }

  @Test
  void aCutTableSaysHowManyMoreAndHowToSeeThem() {
    Cli.Result r = cli.in(project, "history", "list", "-n", "2");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains(runs.get(2)).contains(runs.get(1)).doesNotContain(runs.get(0));
    assertThat(r.err())
        .isEqualTo(
            "labrun: 1 more run(s); use -n 3 to see them, or --after "
                + runs.get(1)
                + " for the next page\n");
    assertThat(cli.in(project, "history", "list", "-n", "3").err()).isEmpty();
    assertThat(cli.in(project, "history", "list", "-n", "2", "-o", "json").err())
        .as("json is for scripts: no note")
        .isEmpty();
  }

  @Test
  void outsideAProjectItSaysItListsAllProjects() {
    Cli.Result r = cli.in(tmp, "history", "list");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.err())
        .isEqualTo(
            "labrun: not in a project: the runs of all projects (-p DIR for one project's)\n");
    assertThat(r.out()).contains(runs.get(0));
    assertThat(cli.in(tmp, "history", "list", "--all-projects").err()).isEmpty();
  }

  @Test
  void historyInfoShowsTheAssetsPromotedFromTheRun() {
    Cli.Result p =
        cli.in(
            project,
            "history",
            "promote",
            "-r",
            runs.get(0),
            "-ap",
            "outputs/model.pkl",
            "-n",
            "best-model");
    assertThat(p.code()).as(p.toString()).isZero();
    Cli.Result info = cli.in(project, "history", "info", "-r", runs.get(0), "-o", "json");
    assertThat(info.out())
        .contains("\"assets\" : {\n    \"best-model\" : \"outputs/model.pkl\"\n  }");
    assertThat(cli.in(project, "history", "info", "-r", runs.get(1), "-o", "json").out())
        .contains("\"assets\" : { }");
  }

  @Test
  void aMissingScriptIsBadInputAsTheExitCodesTableSays() {
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local", "nothere.py");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("labrun: script nothere.py not found in the project ");
  }

  private static List<String> ids(Cli.Result r) {
    assertThat(r.code()).as(r.toString()).isZero();
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\"run_id\" : \"([^\"]+)\"").matcher(r.out());
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
