package io.labrun.app;

import io.labrun.core.history.ObjectStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.launch.AssemblyContext;
import io.labrun.core.launch.TargetContext;
import io.labrun.core.secret.TargetPasswords;
import io.labrun.core.snapshot.WorkFolders;
import io.labrun.core.supervisor.PythonRuntime;
import io.labrun.ssh.HostKeyPolicy;
import io.labrun.ssh.PassphrasePrompt;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What an {@link Assembly} offers the compute targets it makes (see {@link TargetContext}); what
 * the target modules share within it is closed with it.
 */
final class AssemblyTargets extends AssemblyContext {
  private final Settings settings;
  private final Assembly assembly;

  AssemblyTargets(Settings settings, Assembly assembly) {
    super(offered(settings));
    this.settings = settings;
    this.assembly = assembly;
  }

  /** The terminal's questions, when someone is there to answer them. */
  private static Map<Class<?>, Object> offered(Settings settings) {
    Map<Class<?>, Object> offered = new HashMap<>();
    if (settings.hostKeys() != null) {
      offered.put(HostKeyPolicy.HostKeyPrompt.class, settings.hostKeys());
    }
    if (settings.passphrases() != null) {
      offered.put(PassphrasePrompt.class, settings.passphrases());
    }
    return offered;
  }

  @Override
  public Map<String, String> env() {
    return settings.env();
  }

  @Override
  public LabrunPaths paths() {
    return settings.paths();
  }

  @Override
  public Path dataDir() {
    return assembly.dataDir();
  }

  @Override
  public PythonRuntime.Installed python() {
    return assembly.python();
  }

  @Override
  public long logLimitBytes() {
    return settings.logLimit();
  }

  @Override
  public ObjectStore objects() {
    return assembly.objects();
  }

  @Override
  public TargetPasswords passwords() {
    return assembly.passwords();
  }

  @Override
  public WorkFolders workFolders() {
    return assembly.workFolders();
  }

  @Override
  public List<String> finalizeCommand() {
    return assembly.finalizeCommand();
  }

  @Override
  public long ownerPid() {
    return settings.ownerPid();
  }

  @Override
  public boolean resident() {
    return settings.resident() != null;
  }

  /** A resident labrun keeps it for the process's life, so later commands find it warm. */
  @Override
  public <T extends AutoCloseable> T keptWarm(Class<T> kind, Supplier<T> make) {
    return settings.resident() != null
        ? settings.resident().keep(kind, make)
        : super.keptWarm(kind, make);
  }
}
