package io.labrun.core.finish;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.Folders;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.run.Run;
import java.io.IOException;

/**
 * {@code history delete}: an ended run leaves the history with its state folder (its log), and the
 * objects only it used (its snapshot, its artifacts) are collected by {@link UnusedObjects} once no
 * other run names them. The CLI and the server delete through here alike.
 */
public final class RunRemoval {
  private final RunStore store;
  private final LabrunPaths paths;
  private final UnusedObjects unused;

  public RunRemoval(RunStore store, LabrunPaths paths, UnusedObjects unused) {
    this.store = store;
    this.paths = paths;
    this.unused = unused;
  }

  /**
   * Deletes {@code run}; a run not ended yet is refused ({@link ExitCode#BAD_INPUT}: cancel it
   * first).
   */
  public void delete(Run run) {
    if (!run.status().isFinal()) {
      throw LabrunException.badInput(
          "run "
              + run.id()
              + " is "
              + run.status().display()
              + "; cancel it first with 'labrun experiment cancel -r "
              + run.id()
              + "'");
    }
    store.delete(run.id());
    try {
      Folders.delete(paths.runState(run.id()));
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "run "
              + run.id()
              + " left the history, but its folder "
              + paths.runState(run.id())
              + " could not be removed: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Collects the objects the deleted runs alone used, in the background (a server) or now (a
   * command about to end).
   */
  public void collectSoon() {
    unused.collectSoon();
  }

  /** Collects now; says how many objects were removed and their bytes. */
  public ObjectStore.Removed collectNow() throws IOException {
    return unused.collect();
  }
}
