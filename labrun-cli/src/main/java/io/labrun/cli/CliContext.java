package io.labrun.cli;

import io.labrun.app.Assembly;
import io.labrun.app.LocalRuns;
import io.labrun.app.Runs;
import io.labrun.app.Settings;
import io.labrun.app.remote.ServerRuns;
import io.labrun.cli.daemon.Resident;
import io.labrun.cli.remote.Remote;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.project.Project;
import java.io.Console;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What one invocation of {@code labrun} works with: its environment, working folder and standard
 * streams, and the adapters it opens lazily (a command that only reads a config file never opens
 * the run store). Tests build one with their own environment instead of the process's, and the
 * resident labrun process ({@code io.labrun.cli.daemon}) one per command its clients send: nothing
 * a command does may read the JVM's own environment, folder or standard streams.
 */
public final class CliContext implements AutoCloseable {
  private final Map<String, String> env;
  private final Path cwd;
  private final InputStream stdin;
  private final boolean interactive;
  private final LabrunPaths paths;
  private final Interrupts interrupts;
  private final long ownerPid;
  private final Resident resident;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private Assembly wiring;
  private Runs runs;
  private volatile boolean handedBack;
  private volatile Function<String, char[]> secretAsker;
  PrintWriter out;
  PrintWriter err;

  public CliContext(Map<String, String> env, Path cwd, InputStream stdin, boolean interactive) {
    this(env, cwd, stdin, interactive, false, ProcessHandle.current().pid(), null);
  }

  private CliContext(
      Map<String, String> env,
      Path cwd,
      InputStream stdin,
      boolean interactive,
      boolean trapSignals,
      long ownerPid,
      Resident resident) {
    this.interrupts = new Interrupts(trapSignals, resident != null);
    this.ownerPid = ownerPid;
    this.resident = resident;
    this.cwd = cwd.toAbsolutePath().normalize();
    this.env = Map.copyOf(absoluteHome(env, this.cwd));
    this.stdin = stdin;
    this.interactive = interactive;
    this.paths =
        LabrunPaths.from(
            this.env, Path.of(env.getOrDefault("HOME", System.getProperty("user.home"))));
  }

  /**
   * A relative {@code LABRUN_HOME} is relative to the command's folder, not to the process's (a
   * resident labrun's is {@code /}) nor to a run's (its finalizer runs in its state folder).
   */
  private static Map<String, String> absoluteHome(Map<String, String> env, Path cwd) {
    String home = env.get("LABRUN_HOME");
    if (home == null || home.isBlank() || Path.of(home).isAbsolute()) {
      return env;
    }
    Map<String, String> fixed = new HashMap<>(env);
    fixed.put("LABRUN_HOME", cwd.resolve(home).normalize().toString());
    return fixed;
  }

  public static CliContext system() {
    return new CliContext(
        System.getenv(),
        Path.of("").toAbsolutePath(),
        System.in,
        System.console() != null,
        true,
        ProcessHandle.current().pid(),
        null);
  }

  /**
   * A command the resident labrun process runs for a client: the client's environment, folder and
   * stdin, its process ({@code clientPid}) standing for the command's, and what the resident
   * process keeps warm between commands.
   */
  public static CliContext forClient(
      Map<String, String> env,
      Path cwd,
      InputStream stdin,
      boolean interactive,
      long clientPid,
      Resident resident) {
    return new CliContext(env, cwd, stdin, interactive, false, clientPid, resident);
  }

  /** The process whose end means nobody watches this command's runs any more (see LaunchSpec). */
  public long ownerPid() {
    return ownerPid;
  }

  /**
   * For what only a labrun process of its own can do (a script on the terminal's own streams): in
   * the resident process, stops the command here so that its client runs it in its own JVM. Call it
   * before anything is printed or changed.
   */
  public void requireOwnProcess() {
    if (resident != null) {
      handedBack = true;
      throw new Resident.HandBack();
    }
  }

  /**
   * In the resident process: how to ask the client's terminal for a secret (see {@link
   * #askSecret}).
   */
  public void askSecretsWith(Function<String, char[]> asker) {
    this.secretAsker = asker;
  }

  /**
   * Asks the person at the terminal for a secret without echoing it: on this process's console, or,
   * in the resident process, on the client's terminal. Null when nobody can answer.
   */
  public char[] askSecret(String prompt) {
    if (resident != null) {
      Function<String, char[]> asker = secretAsker;
      return asker == null ? null : asker.apply(prompt);
    }
    Console console = System.console();
    return console == null ? null : console.readPassword("%s", prompt);
  }

  /** True when the command was handed back to its client (see {@link #requireOwnProcess}). */
  public boolean handedBack() {
    return handedBack;
  }

  /** The resident labrun process this command runs in, if it does. */
  public Optional<Resident> resident() {
    return Optional.ofNullable(resident);
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

  /** The adapters, assembled on first use (as {@code labrun server} assembles them). */
  public Assembly wiring() {
    if (wiring == null) {
      wiring = new Assembly(settings());
      opened.add(wiring);
    }
    return wiring;
  }

  /**
   * The runs this command works on: through the labrun server it is logged in to ({@code labrun
   * login}, {@code LABRUN_SERVER}), else this machine's. Chosen here once; no command asks again.
   */
  public Runs runs() {
    if (runs == null) {
      runs =
          Remote.of(this)
              .<Runs>map(server -> new ServerRuns(server, this::wiring))
              .orElseGet(() -> new LocalRuns(wiring()));
    }
    return runs;
  }

  /**
   * What this command gives the assembly: its folders and environment, and the terminal's questions
   * when someone is there.
   */
  private Settings settings() {
    return new Settings(
        paths,
        env,
        cwd,
        ownerPid,
        Main.class,
        resident,
        interactive ? new HostKeyQuestion(this) : null,
        interactive ? new PassphraseQuestion(this) : null);
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
