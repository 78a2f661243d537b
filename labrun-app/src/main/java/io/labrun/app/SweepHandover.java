package io.labrun.app;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.sweep.SweepRuns;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands a sweep over to a labrun process of its own ({@code labrun internal sweep-resume ID}),
 * detached from the terminal, so that its runs go on being started, retried and recorded when the
 * user lets go of it (Ctrl-C not on a terminal, {@code --detach}). Its output goes to {@code
 * DATA/sweeps/ID.log} on this machine: the log of a local process, not part of the history (losing
 * it loses what that process printed, nothing of the sweep).
 */
public final class SweepHandover {
  private SweepHandover() {}

  /** Starts the process that drives the sweep on; returns its pid. */
  public static long start(Assembly assembly, String sweepId) {
    Settings ctx = assembly.settings();
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add(
          "/usr/bin/setsid"); // its own session: the terminal's Ctrl-C and hang-up do not reach it
    }
    cmd.addAll(assembly.selfCommand());
    cmd.addAll(List.of("internal", "sweep-resume", sweepId));
    Path log = assembly.sweepFiles().log(sweepId);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(ctx.cwd().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(ctx.env());
    // a server's --store and --objects: the sweep is driven on in the history it is recorded in
    pb.environment().putAll(assembly.chosenLocations());
    try {
      Files.createDirectories(log.getParent());
      long pid = pb.start().pid();
      SweepRuns.claimQueued(assembly.store(), sweepId, pid, assembly.host());
      return pid;
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "cannot start a labrun process to drive sweep "
              + sweepId
              + " on: "
              + e.getMessage()
              + "; its runs not started yet will end Lost",
          e);
    }
  }
}
