package io.labrun.core.finish;

import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.run.Run;
import io.labrun.core.supervisor.StateFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An ended run's output log kept with the objects, its id recorded in the run ({@link
 * Run#OUTPUT_LOG}), so the history outlives a team server's disk: a server on a wiped disk brings
 * the log back from there. In the core because it writes the run's record (its state unchanged).
 */
public final class KeptOutput {
  private KeptOutput() {}

  /**
   * Keeps the output log of {@code done} (ended); once per run, whoever recorded the end. A failure
   * is thrown to the caller, whose log says it: the log then stays on this machine's disk only.
   */
  public static void keep(RunStore store, ObjectStore objects, LabrunPaths paths, Run done)
      throws IOException {
    Path file = paths.runState(done.id()).resolve(StateFolder.OUTPUT_LOG);
    if (!done.status().isFinal() || done.attributes().containsKey(Run.OUTPUT_LOG)) {
      return;
    }
    if (!Files.exists(file)) {
      return;
    }
    String sha = objects.put(file);
    // read again just before: the record written is the latest one, plus the log's id
    Run latest = store.find(done.id()).orElse(done);
    store.update(latest.withAttribute(Run.OUTPUT_LOG, sha), latest.status());
  }
}
