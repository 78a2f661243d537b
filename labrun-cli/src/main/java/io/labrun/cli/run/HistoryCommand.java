package io.labrun.cli.run;

import io.labrun.app.Runs;
import io.labrun.cli.CliContext;
import io.labrun.cli.ProjectOptions;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.cli.remote.Remote;
import io.labrun.core.config.Durations;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.project.Project;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.core.run.query.RunFilter;
import io.labrun.core.sweep.Goal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code labrun history ...}: list, inspect, compare and download past runs. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = "List, inspect, compare, download from, restore, promote and delete runs.",
    subcommands = {
      HistoryCommand.ListRuns.class,
      HistoryCommand.Info.class,
      HistoryCommand.Download.class,
      HistoryCommand.Restore.class,
      HistoryCommand.Compare.class,
      HistoryCommand.Promote.class,
      TagCommand.class,
      NoteCommand.class,
      HistoryCommand.Delete.class,
      RebuildCommand.class
    })
public final class HistoryCommand {

  /** {@code history list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List runs, newest first (or in the order of --filter).")
  public static final class ListRuns implements Runnable {
    private static final int MAX_LIMIT = MoreRuns.MAX_LIMIT;
    private static final List<String> COLUMNS =
        List.of("run_id", "status", "script_name", "target", "created_utc", "duration");
    private final CliContext ctx;
    @Mixin OutputOptions output;
    @Mixin ProjectOptions project;

    @Option(
        names = "--status",
        split = ",",
        paramLabel = "STATUS",
        description =
            "Only runs in these states (Queued, Preparing, Running, Completed, Failed, Canceled,"
                + " Lost).")
    List<String> statuses;

    @Option(
        names = {"-c", "--run-configuration"},
        paramLabel = "RUNCONFIG",
        description = "Only runs of this run configuration.")
    String runConfiguration;

    @Option(names = "--target", description = "Only runs on this compute target.")
    String target;

    @Option(names = "--script", description = "Only runs of this script.")
    String script;

    @Option(names = "--sweep", paramLabel = "SWEEP", description = "Only the runs of this sweep.")
    String sweep;

    @Option(
        names = "--since",
        paramLabel = "TIME",
        description =
            "Only runs created at or after TIME: a date (2026-11-26), a UTC time"
                + " (2026-11-26T10:00:00Z) or a time ago (10m, 2h, 1d).")
    String since;

    @Option(
        names = "--until",
        paramLabel = "TIME",
        description = "Only runs created before TIME (the same forms as --since).")
    String until;

    @Option(
        names = "--filter",
        paramLabel = "EXPR",
        description =
            "Only the runs EXPR matches, in its order, like 'metrics.acc > 0.5 and params.reg in"
                + " (100, 1000) order by metrics.acc desc' (see 'Filtering runs' in the user"
                + " guide).")
    String filter;

    @Option(names = "--all-projects", description = "Runs of every project, not only this one.")
    boolean allProjects;

    @Option(
        names = {"-n", "--limit"},
        defaultValue = "50",
        description = "At most this many runs (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(
        names = "--after",
        paramLabel = "RUN",
        description = "The page after this run (the last run id of the previous page).")
    String after;

    public ListRuns(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw LabrunException.badInput(
            "--limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
      }
      RunFilter runFilter = RunFilter.parse(filter);
      String experiment = null;
      if (!allProjects) {
        experiment = Project.find(ctx.cwd()).map(Project::name).orElse(null);
        if (project.dir() != null) {
          experiment = ctx.project(project.dir()).name();
        }
        if (experiment == null) {
          ctx.err()
              .println(
                  "labrun: not in a project: the runs of all projects (-p DIR for one project's)");
        }
      }
      // a time ago (10m) is taken on this machine's clock, through a server too
      Instant now = Instant.now();
      RunQuery q =
          new RunQuery(
              experiment,
              parseStatuses(statuses),
              runConfiguration,
              target,
              script,
              sweep,
              Times.parse(since, "--since", now),
              Times.parse(until, "--until", now),
              after,
              limit,
              runFilter);
      List<Map<String, Object>> rows = ctx.runs().list(q, filter);
      new Output(ctx.out(), output).rows(rows, COLUMNS);
      if (!output.json() && rows.size() == limit) {
        sayHowManyMore(q, (String) rows.get(rows.size() - 1).get("run_id"));
      }
    }

    /**
     * A cut table says so, with how to see the rest (a script reads -o json and pages with
     * --after).
     */
    private void sayHowManyMore(RunQuery q, String lastShown) {
      int counted = ctx.runs().largestPage();
      int more = ctx.runs().list(q.withCursor(lastShown).withLimit(counted), filter).size();
      MoreRuns.say(ctx.err(), more, counted, limit, lastShown);
    }
  }

  /** {@code history info -r RUN}. */
  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      description = "Everything recorded about a run.")
  public static final class Info implements Runnable {
    private final CliContext ctx;
    @Mixin OutputOptions output;

    @Mixin RunOption run;

    public Info(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      new Output(ctx.out(), output).record(ctx.runs().info(run.id()));
    }
  }

  /** {@code history download -r RUN [--artifact PATH] -d DIR}. */
  @Command(
      name = "download",
      mixinStandardHelpOptions = true,
      description = "Download a run's artifacts (its ./outputs files and the files it uploaded).")
  public static final class Download implements Runnable {
    private final CliContext ctx;

    @Mixin RunOption run;

    @Option(
        names = {"-a", "--artifact"},
        paramLabel = "PATH",
        description = "Only this artifact (e.g. outputs/model.pkl) or folder (outputs/plots).")
    String artifact;

    @Option(
        names = {"-d", "--directory"},
        required = true,
        paramLabel = "DIR",
        description = "Where to put the files (their paths are kept).")
    Path directory;

    public Download(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      Path dir = ctx.resolve(directory.toString());
      ctx.runs().download(run.id(), artifact, dir, ctx.out()::println);
      ctx.out().flush();
    }
  }

  /** {@code history restore -r RUN -d DIR}. */
  @Command(
      name = "restore",
      mixinStandardHelpOptions = true,
      description = "Write the project exactly as it was snapshotted for a run.")
  public static final class Restore implements Runnable {
    private final CliContext ctx;

    @Mixin RunOption run;

    @Option(
        names = {"-d", "--directory"},
        required = true,
        paramLabel = "DIR",
        description = "An empty or new folder.")
    Path directory;

    public Restore(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      Path dir = ctx.resolve(directory.toString());
      requireEmpty(dir);
      Runs.Restored restored = ctx.runs().restore(run.id(), dir);
      ctx.out()
          .println(
              "Restored "
                  + restored.files()
                  + " files of run "
                  + restored.runId()
                  + " into "
                  + dir);
      ctx.out().flush();
    }

    static void requireEmpty(Path dir) {
      boolean empty;
      try (var list = Files.isDirectory(dir) ? Files.list(dir) : null) {
        empty = list == null ? !Files.exists(dir) : list.findAny().isEmpty();
      } catch (IOException e) {
        throw new LabrunException(ExitCode.STORE, "cannot read " + dir + ": " + e.getMessage(), e);
      }
      if (!empty) {
        throw LabrunException.badInput(dir + " is not empty; restore into a new or empty folder");
      }
    }
  }

  /** {@code history compare RUN RUN...} and {@code history compare --sweep ID}. */
  @Command(
      name = "compare",
      mixinStandardHelpOptions = true,
      description = {
        "Status, target, script, arguments, exit code, duration, params, last metric values and"
            + " tags of runs side by side; '*' marks rows that differ.",
        "With --sweep: one row per run of the sweep, its params against its last metric values,"
            + " best first by --primary-metric."
      })
  public static final class Compare implements Runnable {
    private final CliContext ctx;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "RUN", arity = "0..*", description = "Two or more run ids.")
    List<String> runIds = new ArrayList<>();

    @Option(
        names = "--sweep",
        paramLabel = "SWEEP",
        description = "The runs of this sweep (the latest attempt of each).")
    String sweep;

    @Option(
        names = "--primary-metric",
        paramLabel = "NAME",
        description =
            "With --sweep: order by this metric's last value, best first (default: the sweep's).")
    String primaryMetric;

    @Option(
        names = "--goal",
        paramLabel = "max|min",
        description =
            "With --sweep: whether a higher or lower primary metric is better (default max).")
    String goal;

    public Compare(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      if (sweep != null) {
        if (!runIds.isEmpty()) {
          throw LabrunException.badInput("give run ids or --sweep SWEEP, not both");
        }
        Remote.requireLocal(ctx, "history compare --sweep");
        SweepCompare.print(ctx, output, sweep, primaryMetric, goal);
        return;
      }
      if (goal != null) {
        Goal.parse(goal); // a wrong value is the first thing to say
      }
      if (primaryMetric != null || goal != null) {
        throw LabrunException.badInput(
            "--primary-metric and --goal order the runs of a sweep; use them with --sweep SWEEP, or"
                + " drop them to compare runs by id");
      }
      if (runIds.size() < 2) {
        throw LabrunException.badInput("compare needs two or more run ids, or --sweep SWEEP");
      }
      CompareTable.print(ctx, output, ctx.runs().compare(runIds, false));
    }
  }

  /** {@code history promote -r RUN -ap PATH -n NAME}. */
  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = "Name an artifact of a run as an asset (e.g. the model to deploy).")
  public static final class Promote implements Runnable {
    private final CliContext ctx;

    @Mixin RunOption run;

    @Option(
        names = {"-ap", "--artifact-path"},
        required = true,
        paramLabel = "PATH",
        description = "The artifact, e.g. outputs/model.pkl.")
    String artifactPath;

    @Option(
        names = {"-n", "--name"},
        required = true,
        description = "The asset's name.")
    String name;

    public Promote(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      String id = ctx.runs().promote(run.id(), artifactPath, name);
      ctx.out().println("Promoted " + artifactPath + " of run " + id + " as asset '" + name + "'.");
      ctx.out().flush();
    }
  }

  /** {@code history delete -r RUN...}. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description =
          "Delete runs from the history, with their logs (objects shared with other runs stay).")
  public static final class Delete implements Callable<Integer> {
    private final CliContext ctx;

    @Option(
        names = {"-r", "--run"},
        required = true,
        paramLabel = "RUN",
        arity = "1..*",
        description = "Run ids.")
    List<String> runIds;

    public Delete(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
      try {
        ctx.runs().delete(runIds, id -> ctx.out().println("Deleted run " + id + "."));
      } finally {
        ctx.out().flush();
      }
      return 0;
    }
  }

  static Set<RunStatus> parseStatuses(List<String> given) {
    if (given == null) {
      return null;
    }
    if (given.isEmpty() || given.stream().allMatch(String::isBlank)) {
      throw LabrunException.badInput(
          "--status needs a run state: one of Queued, Preparing, Running, Completed, Failed,"
              + " Canceled, Lost");
    }
    Set<RunStatus> s = EnumSet.noneOf(RunStatus.class);
    for (String g : given) {
      s.add(
          RunStatus.parse(g)
              .orElseThrow(
                  () ->
                      LabrunException.badInput(
                          "--status "
                              + g
                              + " is not a run state; use one of Queued, Preparing, Running,"
                              + " Completed, Failed, Canceled, Lost")));
    }
    return s;
  }

  /** Times given on the command line. */
  static final class Times {
    private Times() {}

    /** A date, a time, or a duration before {@code now} (10m, 2h, 1d: "in the last 10 minutes"). */
    static Instant parse(String text, String option, Instant now) {
      if (text == null) {
        return null;
      }
      try {
        if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
          return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        try {
          return Instant.parse(text);
        } catch (DateTimeParseException e2) {
          return Durations.parse(text)
              .map(now::minus)
              .orElseThrow(
                  () ->
                      LabrunException.badInput(
                          option
                              + " must be a date (2026-11-26), a UTC time (2026-11-26T10:00:00Z) or"
                              + " a time ago (10m, 2h, 1d), got '"
                              + text
                              + "'"));
        }
      }
    }
  }
}
