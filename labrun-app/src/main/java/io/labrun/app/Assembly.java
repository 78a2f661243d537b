package io.labrun.app;

import io.labrun.compute.docker.DockerRuntime;
import io.labrun.compute.docker.DockerTargetProvider;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.config.TargetType;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.finish.Reconciler;
import io.labrun.core.finish.RunFinisher;
import io.labrun.core.finish.RunRemoval;
import io.labrun.core.finish.UnusedObjects;
import io.labrun.core.history.ApiTokens;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.RunBrowser;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.Folders;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.ComputeTargets;
import io.labrun.core.launch.Submitter;
import io.labrun.core.launch.TargetCleaner;
import io.labrun.core.launch.TargetTypes;
import io.labrun.core.plan.RunPlanner;
import io.labrun.core.project.Project;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.secret.SecretBox;
import io.labrun.core.secret.ServerPasswords;
import io.labrun.core.secret.TargetPasswords;
import io.labrun.core.snapshot.Snapshotter;
import io.labrun.core.snapshot.WorkFolders;
import io.labrun.core.supervisor.PythonRuntime;
import io.labrun.core.sweep.SweepFiles;
import io.labrun.core.sweep.SweepHistory;
import io.labrun.core.sweep.SweepRecords;
import io.labrun.format.AmlProjectConfigs;
import io.labrun.objects.s3.S3Location;
import io.labrun.objects.s3.S3ObjectStore;
import io.labrun.objects.s3.S3Settings;
import io.labrun.ssh.HostSessions;
import io.labrun.store.FileObjectStore;
import io.labrun.store.History;
import io.labrun.store.SqlRunStore;
import io.labrun.store.SqliteNative;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place where adapters are chosen and connected to the core: the project format, the run
 * store, the object store and the compute targets. The command line and {@code labrun server} both
 * assemble themselves here, from {@link Settings}, so they cannot drift apart. Everything is opened
 * on first use, so a command pays only for what it touches.
 */
public final class Assembly implements LocalRuns.Parts, AutoCloseable {
  private final Settings ctx;
  private final Clock clock = Clock.systemUTC();
  private RunStore store;
  private boolean embeddedStore;
  private String chosenStore;
  private ObjectStore objects;
  private String chosenObjects;
  private PythonRuntime.Installed python;
  private AssemblyTargets targetContext;
  private TargetPasswords passwords;
  private WorkFolders workFolders;
  private UnusedObjects unused;

  public Assembly(Settings settings) {
    this.ctx = settings;
  }

  public Settings settings() {
    return ctx;
  }

  public LabrunPaths paths() {
    return ctx.paths();
  }

  public Clock clock() {
    return clock;
  }

  public ProjectConfigs configs(Project project) {
    return new AmlProjectConfigs(project);
  }

  public SecretBox secrets() {
    return new SecretBox(ctx.paths().secretKey());
  }

  /**
   * Where SSH targets get their passwords: the project files' own values, or, for {@code labrun
   * server}, the passwords its operator stored ({@link #useServerPasswords}).
   */
  public TargetPasswords passwords() {
    if (passwords == null) {
      passwords = TargetPasswords.of(secrets());
    }
    return passwords;
  }

  /** Makes SSH targets use the server's stored passwords (call before the first target is made). */
  public ServerPasswords useServerPasswords() {
    ServerPasswords server = new ServerPasswords(ctx.paths().configDir(), secrets());
    passwords = server;
    return server;
  }

  /**
   * Why SSH targets cannot log in to {@code target}: a password the server's operator has not
   * stored.
   */
  @Override
  public String cannotLogIn(ComputeTargetSpec target) {
    return TargetTypes.installed()
        .provider(target.type())
        .map(p -> p.cannotLogIn(target, passwords()))
        .orElse(null);
  }

  /**
   * The history: the embedded one of the data folder, or the database {@code LABRUN_STORE} names (a
   * team's PostgreSQL, as {@code labrun server --store} takes it).
   */
  public RunStore store() {
    if (store == null) {
      String chosen = ctx.storeLocation();
      if (chosen != null) {
        useStore(chosen);
      } else {
        Path data = dataDir();
        SqliteNative.useCachedLibrary(data.resolve("lib"));
        store = History.open(data);
        embeddedStore = true;
      }
      Trace.mark("store opened");
    }
    return store;
  }

  /**
   * Uses the history at {@code url} (a server's {@code --store}: {@code jdbc:postgresql://...},
   * {@code postgresql://...} or {@code jdbc:sqlite:FILE}; user and password from {@code
   * LABRUN_STORE_USER}/{@code LABRUN_STORE_PASSWORD} unless the URL has them) instead of the
   * embedded one, for everything this wiring opens from now on.
   */
  public SqlRunStore useStore(String url) {
    String jdbcUrl = StoreUrls.jdbcUrl(url, ctx.env());
    if (store != null) {
      store.close();
    }
    store = SqlRunStore.open(jdbcUrl);
    embeddedStore = false;
    chosenStore = url.strip();
    return (SqlRunStore) store;
  }

  /**
   * What a labrun process started from this one needs in its environment to use the same history
   * and objects ({@code LABRUN_STORE}, {@code LABRUN_OBJECTS}) when they were chosen by options
   * rather than by that environment (a server's {@code --store} and {@code --objects}).
   */
  Map<String, String> chosenLocations() {
    Map<String, String> out = new LinkedHashMap<>();
    if (chosenStore != null) {
      out.put(Settings.STORE, chosenStore);
    }
    if (chosenObjects != null) {
      out.put(Settings.OBJECTS, chosenObjects);
    }
    return out;
  }

  /** The history as the SQL store it is: the server also reads its runs table and tokens. */
  public SqlRunStore sqlStore() {
    return (SqlRunStore) store();
  }

  /**
   * The history's runs as the server browses them (through the core's port, not the store's class).
   */
  @Override
  public RunBrowser browser() {
    return sqlStore();
  }

  /** The history's API tokens (a team server's logins). */
  public ApiTokens tokens() {
    return sqlStore().tokens();
  }

  /**
   * Where snapshot files and artifacts are kept: the folder {@code objects/} of the data folder, or
   * what {@code LABRUN_OBJECTS} names (an {@code s3://BUCKET/PREFIX}, or a folder).
   */
  public ObjectStore objects() {
    if (objects == null) {
      String chosen = ctx.objectsLocation();
      objects =
          chosen == null ? new FileObjectStore(dataDir().resolve("objects")) : openObjects(chosen);
    }
    return objects;
  }

  /**
   * Uses the objects at {@code where} (a server's {@code --objects}) for everything this wiring
   * opens from now on.
   */
  public ObjectStore useObjects(String where) {
    closeObjects();
    objects = openObjects(where);
    chosenObjects = where.strip();
    return objects;
  }

  /**
   * The one place an object store is chosen: {@code s3://BUCKET/PREFIX} is a bucket (endpoint,
   * region and credentials from the AWS variables and profile files; checked now, so wrong
   * credentials or a missing bucket fail at start-up), anything else a folder.
   */
  public ObjectStore openObjects(String where) {
    if (S3Location.isS3(where)) {
      return S3ObjectStore.open(S3Settings.of(S3Location.parse(where), ctx.env()));
    }
    if (where.strip().matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      throw LabrunException.badInput(
          "labrun keeps objects in s3://BUCKET/PREFIX or in a folder, not in '"
              + where.strip()
              + "'");
    }
    return new FileObjectStore(ctx.cwd().resolve(where.strip()));
  }

  private void closeObjects() {
    if (objects instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // only connections are released: nothing is lost
      }
    }
    objects = null;
  }

  public Snapshotter snapshotter() {
    return new Snapshotter(objects(), ctx.paths().cache());
  }

  @Override
  public Submitter submitter(ProjectConfigs configs, RunEvents events) {
    return new Submitter(
        new RunPlanner(configs, events),
        store(),
        snapshotter(),
        targets(),
        ctx.paths(),
        clock,
        user(),
        host(),
        ctx.env(),
        workFolders());
  }

  /** Runs' working folders: written from snapshots, and handed on between runs of this command. */
  public synchronized WorkFolders workFolders() {
    if (workFolders == null) {
      workFolders = new WorkFolders(snapshotter(), dataDir().resolve("spare-work"));
    }
    return workFolders;
  }

  @Override
  public RunFinisher finisher() {
    return new RunFinisher(store(), objects(), ctx.paths(), clock);
  }

  /** Deleting runs, and collecting the objects only they used. */
  public synchronized RunRemoval runRemoval() {
    if (unused == null) {
      unused = new UnusedObjects(store(), objects(), clock, UnusedObjects.DEFAULT_GRACE);
    }
    return new RunRemoval(store(), ctx.paths(), unused);
  }

  /**
   * The sweeps of the history: in the run store, with those an older labrun kept in the data folder
   * imported on first use; beside the embedded history, copied to the data folder too.
   */
  @Override
  public SweepRecords sweeps() {
    SweepRecords inStore = sqlStore().sweepRecords(); // opens the history: embedded or not
    return new SweepHistory(inStore, sweepFiles(), embeddedStore);
  }

  /** The data folder's {@code sweeps/}: the driver's lock and a handed-over driver's output. */
  public SweepFiles sweepFiles() {
    return new SweepFiles(dataDir().resolve("sweeps"));
  }

  @Override
  public Reconciler reconciler() {
    // a sweep whose driving labrun was killed is driven on by a new one, started by whichever
    // command sees it first
    return new Reconciler(
        store(),
        finisher(),
        ctx.paths(),
        this::targetOf,
        clock,
        host(),
        sweepId -> SweepHandover.start(this, sweepId));
  }

  /**
   * The targets of every type whose module is in this build, each made by its module's provider.
   */
  public ComputeTargets targets() {
    return TargetTypes.installed().targets(targetContext());
  }

  /** What this assembly offers the targets it makes, and what they share within it. */
  synchronized AssemblyTargets targetContext() {
    if (targetContext == null) {
      targetContext = new AssemblyTargets(ctx, this);
    }
    return targetContext;
  }

  @Override
  public Optional<ComputeTarget> targetOf(Run run) {
    String root = run.attributes().get("project_root");
    TargetType type =
        run.targetType() == null
            ? null
            : TargetTypes.installed().parse(run.targetType()).orElse(null);
    if (type == null) {
      return Optional.empty();
    }
    ComputeTargetSpec spec = null;
    if (root != null && Files.isDirectory(Path.of(root, Project.CONFIG_DIR))) {
      try {
        ProjectConfigs configs = configs(new Project(Path.of(root)));
        spec = configs.computeTarget(run.target()).value();
        spec =
            RunPlanner.target(
                    configs, configs.runConfiguration(run.runConfiguration()).value(), run.target())
                .value();
      } catch (LabrunException e) {
        // the files changed or vanished since: the compute file alone, or the type recorded with
        // the run, is enough locally
      }
    }
    if (spec == null || !spec.type().equals(type)) {
      spec = ComputeTargetSpec.of(run.target(), type);
    }
    try {
      return Optional.of(targets().forSpec(spec));
    } catch (LabrunException e) {
      return Optional.empty();
    }
  }

  /** This command's connections to hosts over SSH, and how it logs in to them. */
  public HostSessions hostSessions() {
    return HostSessions.of(targetContext());
  }

  synchronized PythonRuntime.Installed python() {
    if (python == null) {
      try {
        python = PythonRuntime.extract(dataDir().resolve("lib"));
      } catch (IOException e) {
        throw new LabrunException(
            ExitCode.STORE,
            "cannot install labrun's Python files into "
                + dataDir().resolve("lib")
                + ": "
                + e.getMessage(),
            e);
      }
    }
    return python;
  }

  /** The Docker engine of {@code DOCKER_HOST} (or the default socket), connected on first use. */
  public DockerRuntime dockerRuntime() {
    return DockerTargetProvider.runtime(targetContext());
  }

  /**
   * What {@code experiment clean} asks of each target module in this build, in the order of the
   * kinds they serve.
   */
  public List<TargetCleaner> cleaners() {
    return TargetTypes.installed().providers().stream()
        .map(p -> p.cleaner(targetContext()))
        .toList();
  }

  /** How a detached supervisor calls labrun back to record a run's end. */
  List<String> finalizeCommand() {
    List<String> cmd = selfCommand();
    cmd.add("internal");
    cmd.add("finalize");
    return cmd;
  }

  /** The command that starts this labrun again (its launcher, or this JVM with its class path). */
  public List<String> selfCommand() {
    List<String> cmd = new ArrayList<>();
    Path launcher = ctx.launcher();
    if (launcher != null) {
      cmd.add(launcher.toString());
    } else {
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(ctx.main().getName());
    }
    return cmd;
  }

  public Path dataDir() {
    Path data = ctx.paths().dataDir();
    try {
      Folders.createPrivate(data); // everything labrun keeps on this machine is its user's alone
      if (!Files.isWritable(data)) {
        throw new IOException("not writable");
      }
      return data;
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "labrun's data folder "
              + data
              + " cannot be written ("
              + e.getMessage()
              + "); fix its permissions or set LABRUN_HOME to a writable folder");
    }
  }

  @Override
  public String user() {
    return ctx.user();
  }

  public String host() {
    return ctx.host();
  }

  @Override
  public void close() {
    if (unused != null) {
      unused.close();
    }
    if (targetContext != null) {
      targetContext.close();
    }
    if (workFolders != null) {
      workFolders.close();
    }
    if (store != null) {
      store.close();
    }
    closeObjects();
  }
}
