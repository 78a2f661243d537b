package io.labrun.target.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the supervisors of one labrun process's local runs: forked by a {@link SupervisorZygote}
 * (started on first use), or, when that is turned off ({@code LABRUN_SUPERVISOR_ZYGOTE=0}) or does
 * not work here, as one {@code python3 labrun_supervisor.py STATE_DIR} process each. Both give the
 * same supervisor; the zygote only spares each run a Python start-up.
 */
public final class Supervisors implements AutoCloseable {
  private SupervisorZygote zygote;
  private boolean zygoteFailed;

  SupervisorProcess start(LocalRuntime runtime, Path state, Path workDir) throws IOException {
    SupervisorZygote z = zygote(runtime, state.getParent());
    if (z != null) {
      try {
        return z.spawn(state);
      } catch (IOException e) {
        synchronized (this) {
          zygoteFailed = true; // from now on one process per supervisor, as without it
        }
      }
    }
    return new SupervisorProcess.Child(direct(runtime, state, workDir));
  }

  private synchronized SupervisorZygote zygote(LocalRuntime runtime, Path dir) {
    if (zygoteFailed || "0".equals(runtime.baseEnvironment().get("LABRUN_SUPERVISOR_ZYGOTE"))) {
      return null;
    }
    if (zygote == null || !zygote.alive()) {
      try {
        zygote = SupervisorZygote.start(runtime, dir);
      } catch (IOException e) {
        zygoteFailed = true;
        return null;
      }
    }
    return zygote;
  }

  private static Process direct(LocalRuntime runtime, Path state, Path workDir) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid"); // its own session from the first instruction: Ctrl-C never reaches it
    }
    cmd.add(runtime.supervisorPython());
    cmd.add(runtime.supervisorScript().toString());
    cmd.add(state.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .directory(workDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(state.resolve("supervisor.log").toFile())
        .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(runtime.baseEnvironment());
    return pb.start();
  }

  /** Ends the zygote (the supervisors it started go on). */
  @Override
  public synchronized void close() {
    if (zygote != null) {
      zygote.close();
      zygote = null;
    }
  }
}
