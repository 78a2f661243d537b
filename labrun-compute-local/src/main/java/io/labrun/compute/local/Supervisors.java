package io.labrun.compute.local;

import io.labrun.core.supervisor.StateFolder;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the supervisors of one labrun process's local runs: forked by a {@link SupervisorZygote}
 * (started on first use), or, when that is turned off ({@code LABRUN_SUPERVISOR_ZYGOTE=0}) or does
 * not work here, as one {@code python3 labrun_supervisor.py STATE_DIR} process each. Both give the
 * same supervisor; the zygote only spares each run a Python start-up.
 *
 * <p>A zygote's forks inherit its environment, which is the base of the scripts' environment, so
 * one is kept per interpreter, environment and folder: a resident labrun serving commands with
 * different environments (another {@code LABRUN_HOME}, {@code PATH}...) never starts one command's
 * run with another's environment. The {@value #KEPT} used last are kept.
 */
public final class Supervisors implements AutoCloseable {
  static final int KEPT = 8;
  private final Map<Key, SupervisorZygote> zygotes = new LinkedHashMap<>(16, 0.75f, true);
  private boolean zygoteFailed;

  private record Key(String python, Path script, Map<String, String> env, Path dir) {}

  SupervisorProcess start(LocalRuntime runtime, Path state, Path workDir) throws IOException {
    SupervisorZygote z = zygote(runtime, state.getParent());
    if (z != null) {
      try {
        return z.spawn(state);
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw e; // the command was stopped, the zygote is fine
        }
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
    Key key =
        new Key(
            runtime.supervisorPython(), runtime.supervisorScript(), runtime.baseEnvironment(), dir);
    SupervisorZygote zygote = zygotes.get(key);
    if (zygote == null || !zygote.alive()) {
      try {
        zygote = SupervisorZygote.start(runtime, dir);
      } catch (IOException e) {
        zygoteFailed = true;
        return null;
      }
      zygotes.put(key, zygote);
      while (zygotes.size() > KEPT) {
        var eldest = zygotes.entrySet().iterator().next();
        eldest.getValue().close();
        zygotes.remove(eldest.getKey());
      }
    }
    return zygote;
  }

  private static Process direct(LocalRuntime runtime, Path state, Path workDir) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add(
          "/usr/bin/setsid"); // its own session from the first instruction: Ctrl-C never reaches it
    }
    cmd.add(runtime.supervisorPython());
    cmd.add(runtime.supervisorScript().toString());
    cmd.add(state.toString());
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(workDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(state.resolve(StateFolder.SUPERVISOR_LOG).toFile())
            .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(runtime.baseEnvironment());
    return pb.start();
  }

  /** Ends the zygotes (the supervisors they started go on). */
  @Override
  public synchronized void close() {
    zygotes.values().forEach(SupervisorZygote::close);
    zygotes.clear();
  }
}
