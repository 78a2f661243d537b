package io.labrun.core.launch;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.secret.TargetPasswords;
import io.labrun.core.snapshot.WorkFolders;
import io.labrun.core.supervisor.PythonRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What an assembly (a labrun command, the server) offers the compute targets it makes: this
 * machine's folders and settings, the stores, and a place for what a target module shares between
 * the targets of one command (a connection per host, a Docker client) and closes with it.
 */
public interface TargetContext {
  /** labrun's environment: the user's variables as the command saw them. */
  Map<String, String> env();

  /** labrun's folders on this machine. */
  LabrunPaths paths();

  /** labrun's data folder, made private and checked writable. */
  Path dataDir();

  /** labrun's Python files (supervisor, logging packages), unpacked on this machine. */
  PythonRuntime.Installed python();

  /** Output kept per run before the middle is dropped ({@code LABRUN_LOG_LIMIT_BYTES}). */
  long logLimitBytes();

  /** Where snapshot files and artifacts are kept. */
  ObjectStore objects();

  /** Gives a target's password, only while logging in. */
  TargetPasswords passwords();

  /** Runs' working folders on this machine. */
  WorkFolders workFolders();

  /** How a detached supervisor calls labrun back to record a run's end (the run id appended). */
  List<String> finalizeCommand();

  /** The process whose end means nobody watches a run any more (the command, or its client). */
  long ownerPid();

  /** Whether this is a resident labrun that serves many commands. */
  boolean resident();

  /**
   * What the assembly offers beyond this interface, by kind (for example a way to ask the person at
   * the terminal about a host key); empty when it offers none, e.g. nobody can be asked.
   */
  <T> Optional<T> offered(Class<T> kind);

  /**
   * The one {@code kind} of this assembly, made by {@code make} on first use; closed with the
   * assembly when it is {@link AutoCloseable}.
   */
  <T> T shared(Class<T> kind, Function<TargetContext, T> make);

  /**
   * Like {@link #shared}, but in a resident labrun kept for the process's life (closed when it
   * stops), so later commands find it warm.
   */
  <T extends AutoCloseable> T keptWarm(Class<T> kind, Supplier<T> make);

  /**
   * The target the module of {@code kind} makes for {@code spec} (whatever its own type): how a
   * target built on another kind gets it, e.g. a cluster's driver run as a local run.
   */
  ComputeTarget target(TargetType kind, ComputeTargetSpec spec);
}
