package io.labrun.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep whose labrun is killed (SIGKILL) after some of its points ran: the next labrun command
 * that sees it, or {@code experiment sweep --resume ID}, runs the points not started yet, and no
 * point runs twice.
 */
class SweepResumeIT {
  private static final int POINTS = 6;
  @TempDir Path tmp;
  Cli cli;
  Path project;
  Path ran;

  @BeforeEach
  void project() throws Exception {
    cli = new Cli(tmp).env("LABRUN_DAEMON", "0");
    assertThat(cli.in(tmp, "project", "init", "p").code()).isZero();
    project = tmp.resolve("p");
    ran = tmp.resolve("ran");
    Files.createDirectories(ran);
    // each run leaves a file named after its point and run id: a point that ran twice shows two
    Files.writeString(
        project.resolve("point.py"),
        """
        import os, sys, time
        open(os.path.join(%s, sys.argv[2] + "-" + os.environ["LABRUN_RUN_ID"]), "w").close()
        time.sleep(1.5)
        """
            .formatted("'" + ran + "'"));
  }

  /** Starts the sweep in a labrun process of its own and kills it once two points have run. */
  private String sweepKilledAfterTwoPoints() throws Exception {
    Path log = tmp.resolve("sweep.log");
    Process labrun =
        CliProcess.start(
            project,
            cli.environment(),
            log,
            "experiment",
            "sweep",
            "-c",
            "local",
            "point.py",
            "--grid",
            "x=1.." + POINTS);
    await().atMost(Duration.ofSeconds(120)).until(() -> count() >= 2);
    labrun.destroyForcibly().waitFor();
    String out = Files.readString(log);
    String id =
        out.lines()
            .filter(l -> l.startsWith("Sweep "))
            .findFirst()
            .orElseThrow(() -> new AssertionError(out))
            .split("[ :]")[1];
    assertThat(count()).as("killed before every point ran").isLessThan(POINTS);
    return id;
  }

  private long count() throws Exception {
    try (Stream<Path> files = Files.list(ran)) {
      return files.count();
    }
  }

  private List<String> points() throws Exception {
    try (Stream<Path> files = Files.list(ran)) {
      return files.map(f -> f.getFileName().toString().split("-")[0]).sorted().toList();
    }
  }

  /**
   * The statuses of the sweep's runs; a failed listing fails the test (an empty answer would look
   * like "all ended").
   */
  private String statuses(String sweep) {
    Cli.Result r =
        cli.in(project, "history", "list", "--sweep", sweep, "-o", "json", "--query", "[].status");
    assertThat(r.code()).as(r.toString()).isZero();
    return r.out();
  }

  @Test
  void theNextCommandThatSeesItDrivesItOn() throws Exception {
    String sweep = sweepKilledAfterTwoPoints();
    Cli.Result list = cli.in(project, "history", "list", "--sweep", sweep);
    assertThat(list.code()).as(list.toString()).isZero();
    await().atMost(Duration.ofSeconds(120)).until(() -> everyPointEnded(statuses(sweep)));
    assertThat(points())
        .as("each point ran once; the sweep's runs: %s", runs(sweep))
        .containsExactly("1", "2", "3", "4", "5", "6");
    assertThat(statuses(sweep)).doesNotContain("Lost").doesNotContain("Failed");
  }

  /**
   * Whether one listing shows a run for every point and none of them going. One listing, not one
   * per status: runs move on between listings, and a run Preparing in a listing that looks for
   * "Running" and Running in the next that looks for "Preparing" would pass unseen.
   */
  private static boolean everyPointEnded(String statusesJson) {
    List<String> statuses =
        Pattern.compile("\"([A-Za-z]+)\"")
            .matcher(statusesJson)
            .results()
            .map(m -> m.group(1))
            .toList();
    return statuses.size() == POINTS
        && statuses.stream()
            .noneMatch(
                s -> s.contains("Queued") || s.contains("Running") || s.contains("Preparing"));
  }

  /**
   * Each run of the sweep with its status and how it ended, to say what happened when a point is
   * missing.
   */
  private String runs(String sweep) {
    return cli.in(
            project,
            "history",
            "list",
            "--sweep",
            sweep,
            "-o",
            "json",
            "--query",
            "[].[run_id, status, status_detail]")
        .out();
  }

  @Test
  void sweepResumeDrivesItOnInTheForeground() throws Exception {
    String sweep = sweepKilledAfterTwoPoints();
    Cli.Result resumed = cli.in(project, "experiment", "sweep", "--resume", sweep);
    assertThat(resumed.code()).as(resumed.toString()).isZero();
    assertThat(points()).as("each point ran once").containsExactly("1", "2", "3", "4", "5", "6");
    assertThat(statuses(sweep)).doesNotContain("Queued").doesNotContain("Lost");

    Cli.Result unknown = cli.in(project, "experiment", "sweep", "--resume", "nosuch");
    assertThat(unknown.code()).isEqualTo(3);
    assertThat(unknown.err()).contains("no sweep 'nosuch'");
  }
}
