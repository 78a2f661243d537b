package io.labrun.compute.testkit;

import io.labrun.core.history.ObjectStore;
import io.labrun.core.home.Folders;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.launch.AssemblyContext;
import io.labrun.core.secret.SecretBox;
import io.labrun.core.secret.TargetPasswords;
import io.labrun.core.snapshot.Snapshotter;
import io.labrun.core.snapshot.WorkFolders;
import io.labrun.core.supervisor.PythonRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The assembly of the kit's tests: labrun's folders under one temporary folder, an object store
 * there, and nobody at a terminal. Closing it is what a labrun command's end does to its targets
 * (connections closed, supervisor zygotes told to end); the runs go on.
 */
final class KitContext extends AssemblyContext {
  private final LabrunPaths paths;
  private final Map<String, String> env;
  private final ObjectStore objects;
  private final Snapshotter snapshots;
  private PythonRuntime.Installed python;
  private WorkFolders workFolders;

  KitContext(
      Path home,
      Map<String, String> env,
      ObjectStore objects,
      Snapshotter snapshots,
      Map<Class<?>, Object> offered) {
    super(offered);
    this.paths = new LabrunPaths(home.resolve("data"), home.resolve("config"));
    this.env = Map.copyOf(env);
    this.objects = objects;
    this.snapshots = snapshots;
  }

  @Override
  public Map<String, String> env() {
    return env;
  }

  @Override
  public LabrunPaths paths() {
    return paths;
  }

  @Override
  public Path dataDir() {
    try {
      return Folders.createPrivate(paths.dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized PythonRuntime.Installed python() {
    if (python == null) {
      try {
        python = PythonRuntime.extract(dataDir().resolve("lib"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return python;
  }

  @Override
  public long logLimitBytes() {
    return 64L * 1024 * 1024;
  }

  @Override
  public ObjectStore objects() {
    return objects;
  }

  @Override
  public TargetPasswords passwords() {
    return TargetPasswords.of(new SecretBox(paths.secretKey()));
  }

  @Override
  public synchronized WorkFolders workFolders() {
    if (workFolders == null) {
      workFolders = new WorkFolders(snapshots, dataDir().resolve("spare-work"));
    }
    return workFolders;
  }

  @Override
  public List<String> finalizeCommand() {
    return List.of(); // the kit's JVM watches its runs to the end: no labrun to call back
  }

  @Override
  public long ownerPid() {
    return ProcessHandle.current().pid();
  }

  @Override
  public boolean resident() {
    return false;
  }

  @Override
  public synchronized void close() {
    super.close();
    if (workFolders != null) {
      workFolders.close();
      workFolders = null;
    }
  }
}
