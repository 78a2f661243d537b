package io.labrun.cli.run;

import io.labrun.cli.CliContext;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.environment.CleanReport;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.Folders;
import io.labrun.core.launch.CleanRequest;
import io.labrun.core.launch.TargetCleaner;
import io.labrun.core.run.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code labrun experiment clean}: frees the space labrun's environments and finished runs hold on
 * this machine. Runs are reconciled first, so no run that ended unwatched loses its results.
 */
@Command(
    name = "clean",
    mixinStandardHelpOptions = true,
    description = {
      "Remove what your labrun built or left on this machine, and report the space freed.",
      "That is: the Docker environment images and stopped run containers it made (found by their"
          + " labels: labrun's,",
      "your user's and this labrun home's; images in use are kept; --all: every user's), the"
          + " working folders of runs",
      "that are over, the cached venvs of local targets, and on the SSH hosts of this project's"
          + " remote and remotedocker",
      "targets labrun's object cache, finished run folders and Docker images."
    })
public final class CleanCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--no-docker", description = "Leave the Docker engine alone.")
  boolean noDocker;

  @Option(
      names = "--all",
      description =
          "On the Docker engine, remove what labrun made for every user and labrun home (for an"
              + " administrator of a shared engine).")
  boolean all;

  public CleanCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    RunStore store = ctx.wiring().store();
    ctx.wiring().reconciler().reconcileAll();
    CleanRequest request =
        new CleanRequest(
            projectTargets(),
            id -> ended(store, id, true),
            id -> ended(store, id, false),
            store.unfinished().isEmpty(),
            !noDocker,
            all,
            ctx::warn);
    CleanReport report = workFolders(store);
    for (TargetCleaner cleaner : ctx.wiring().cleaners()) {
      report = report.plus(cleaner.clean(request));
    }
    report.removed().forEach(r -> ctx.out().println("removed " + r));
    report.kept().forEach(k -> ctx.out().println("kept " + k));
    ctx.out()
        .println(
            "Freed "
                + RunOutput.size(report.bytesFreed())
                + " ("
                + report.removed().size()
                + " removed, "
                + report.kept().size()
                + " kept).");
    ctx.out().flush();
    return 0;
  }

  /**
   * Whether the history records the end of run {@code id}; {@code unknown} when it has no such run.
   */
  private static boolean ended(RunStore store, String id, boolean unknown) {
    return store.find(id).map(r -> r.status().isFinal()).orElse(unknown);
  }

  /** This project's compute targets, whose modules may have left something on their hosts. */
  private List<ComputeTargetSpec> projectTargets() {
    ProjectConfigs configs;
    try {
      configs = ctx.wiring().configs(ctx.project(null));
    } catch (LabrunException e) {
      return List.of(); // not in a project: no hosts to visit
    }
    List<ComputeTargetSpec> targets = new ArrayList<>();
    for (String name : configs.computeTargetNames()) {
      try {
        targets.add(configs.computeTarget(name).value());
      } catch (LabrunException e) {
        // a broken file is reported when it is used
      }
    }
    return targets;
  }

  /**
   * Working folders (and copies of collected outputs) of runs that are over or no longer in the
   * history.
   */
  private CleanReport workFolders(RunStore store) {
    Path runs = ctx.paths().runs();
    if (!Files.isDirectory(runs)) {
      return CleanReport.empty();
    }
    List<String> removed = new ArrayList<>();
    long freed = 0;
    try (Stream<Path> dirs = Files.list(runs)) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        Optional<Run> run = store.find(dir.getFileName().toString());
        if (run.isPresent() && !run.get().status().isFinal()) {
          continue;
        }
        for (String sub : List.of("work", "collected")) {
          Path d = dir.resolve(sub);
          if (Files.isDirectory(d)) {
            long size = Folders.size(d);
            Folders.delete(d);
            freed += size;
            removed.add("working folder " + d);
          }
        }
      }
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE, "cannot clean the run folders in " + runs + ": " + e.getMessage(), e);
    }
    return new CleanReport(removed, List.of(), freed);
  }
}
