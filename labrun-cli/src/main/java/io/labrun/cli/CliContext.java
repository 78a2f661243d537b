package io.labrun.cli;

import io.labrun.core.home.LabrunPaths;
import io.labrun.core.project.Project;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one invocation of {@code labrun} works with: its environment, working folder and standard
 * streams, and the adapters it opens lazily (a command that only reads a config file never opens
 * the run store). Tests build one with their own environment instead of the process's.
 */
public final class CliContext implements AutoCloseable {
  private final Map<String, String> env;
  private final Path cwd;
  private final InputStream stdin;
  private final boolean interactive;
  private final LabrunPaths paths;
  private final Interrupts interrupts;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private Wiring wiring;
  PrintWriter out;
  PrintWriter err;

  public CliContext(Map<String, String> env, Path cwd, InputStream stdin, boolean interactive) {
    this(env, cwd, stdin, interactive, false);
  }

  private CliContext(Map<String, String> env, Path cwd, InputStream stdin, boolean interactive, boolean trapSignals) {
    this.interrupts = new Interrupts(trapSignals);
    this.env = Map.copyOf(env);
    this.cwd = cwd.toAbsolutePath().normalize();
    this.stdin = stdin;
    this.interactive = interactive;
    this.paths = LabrunPaths.from(env, Path.of(env.getOrDefault("HOME", System.getProperty("user.home"))));
  }

  public static CliContext system() {
    return new CliContext(System.getenv(), Path.of("").toAbsolutePath(), System.in, System.console() != null, true);
  }

  public Map<String, String> env() {
    return env;
  }

  public Path cwd() {
    return cwd;
  }

  public InputStream stdin() {
    return stdin;
  }

  /** True when a person is at a terminal (prompts and live displays are allowed). */
  public boolean interactive() {
    return interactive;
  }

  /** Ctrl-C, for commands that act on it rather than stop (tests press it themselves). */
  public Interrupts interrupts() {
    return interrupts;
  }

  public LabrunPaths paths() {
    return paths;
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  public Path resolve(String path) {
    return cwd.resolve(path).normalize();
  }

  public Project project(Path explicit) {
    return Project.locate(explicit == null ? null : resolve(explicit.toString()), cwd);
  }

  /** The adapters, wired on first use. */
  public Wiring wiring() {
    if (wiring == null) {
      wiring = new Wiring(this);
      opened.add(wiring);
    }
    return wiring;
  }

  public void warn(String message) {
    err.println("labrun: warning: " + message);
    err.flush();
  }

  @Override
  public void close() {
    for (AutoCloseable c : opened) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing is best effort at exit
      }
    }
  }
}
