package io.labrun.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.sweep.SweepRuns;
import io.labrun.store.SqlRunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A project on one compute target for the sweep and run-policy contract tests: its run
 * configuration, its scripts, the folder its runs share with the test ({@code
 * nativeSharedDirectory}), and the history they leave. A target whose runs see that folder
 * somewhere else overrides {@link #sharedDirectory()}.
 */
class TargetFixture {
  private static final Pattern SWEEP_ID = Pattern.compile("Sweep (\\S+): \\d+ runs of");
  final Path home;
  final Path project;
  final Cli cli;
  final String runConfiguration;

  TargetFixture(Path home, String runConfiguration) {
    this(home, runConfiguration, new Cli(home));
  }

  TargetFixture(Path home, String runConfiguration, Cli cli) {
    this.home = home;
    this.runConfiguration = runConfiguration;
    this.cli = cli;
    this.project = home.resolve("iris");
    Cli.Result init = cli.in(home, "project", "init", "iris");
    assertThat(init.code()).as(init.toString()).isZero();
  }

  /**
   * The folder every run of the project finds in AZUREML_NATIVE_SHARE_DIRECTORY, seen from here:
   * for the local target, the template's {@code nativeSharedDirectory: ~/.azureml/share/}.
   */
  Path sharedDirectory() {
    return home.resolve("user/.azureml/share/iris");
  }

  /** {@link #sharedDirectory()}, created. */
  final Path shared() {
    Path dir = sharedDirectory();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /**
   * Waits until what ran {@code run} is gone, once its script wrote its pid to {@code pidFile}:
   * here, that process.
   */
  void assertStopped(Run run, Path pidFile) throws Exception {
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
  }

  /** Stops whatever a failed test left running (the scripts that wrote a pid file). */
  void stopLeftovers() throws IOException {
    try (var files = Files.list(shared())) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("pid-")).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(f).strip()))
            .ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  void script(String name, String python) {
    try {
      Files.writeString(project.resolve(name), python);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code labrun experiment sweep -c RC ...} in the project. */
  Cli.Result sweep(String... args) {
    return cli.in(project, withRunConfiguration("sweep", args));
  }

  Cli.Result submit(String... args) {
    return cli.in(project, withRunConfiguration("submit", args));
  }

  String[] withRunConfiguration(String command, String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "experiment";
    all[1] = command;
    all[2] = "-c";
    all[3] = runConfiguration;
    System.arraycopy(args, 0, all, 4, args.length);
    return all;
  }

  static String sweepId(String err) {
    Matcher m = SWEEP_ID.matcher(err);
    assertThat(m.find()).as("sweep id in:\n" + err).isTrue();
    return m.group(1);
  }

  RunStore store() {
    return SqlRunStore.open("jdbc:sqlite:" + home.resolve("labrun/data/labrun.db"));
  }

  /** Every run of the sweep, oldest first. */
  List<Run> runs(String sweepId) {
    try (RunStore store = store()) {
      return SweepRuns.all(store, sweepId);
    }
  }

  /** Every run of the project, oldest first. */
  List<Run> allRuns() {
    try (RunStore store = store()) {
      List<Run> runs = new ArrayList<>(store.list(RunQuery.all().withLimit(1000)));
      runs.sort(Comparator.comparing(Run::created).thenComparing(Run::id));
      return runs;
    }
  }

  String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
