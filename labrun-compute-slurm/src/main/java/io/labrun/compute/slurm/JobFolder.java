package io.labrun.compute.slurm;

import io.labrun.core.home.Folders;
import io.labrun.core.launch.Execution;
import io.labrun.core.supervisor.ExitRecord;
import io.labrun.core.supervisor.StateFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A run's state folder on the cluster's shared file system, as labrun reads it: on this machine
 * when Slurm's commands work here, or on the login node over SSH until the run is collected.
 */
interface JobFolder {
  /** At most {@code max} bytes of whole records of {@code output.log} from {@code offset}. */
  byte[] readOutput(long offset, int max) throws IOException;

  /** The supervisor's exit record, once it has written one. */
  Optional<ExitRecord> exit() throws IOException;

  /** Where the run's outputs and metrics can be read here once it is over. */
  Execution.Collected collect(Path scratch) throws IOException;

  /** Frees the run's working folder (and, on a login node, its whole folder once collected). */
  void remove() throws IOException;

  /** Whether {@code output.log} is in the local state folder as it grows. */
  boolean writesLocalOutput();

  /** Where the folder is, to be recorded with the run. */
  Map<String, String> attributes();

  /** The state folder {@code state} and working folder {@code work} on this machine. */
  static JobFolder local(Path state, Path work) {
    return new JobFolder() {
      @Override
      public byte[] readOutput(long offset, int max) throws IOException {
        return StateFolder.readOutput(state, offset, max);
      }

      @Override
      public Optional<ExitRecord> exit() throws IOException {
        return StateFolder.readExit(state);
      }

      @Override
      public Execution.Collected collect(Path scratch) {
        return new Execution.Collected(
            work.resolve(StateFolder.OUTPUTS), state.resolve(StateFolder.METRICS));
      }

      @Override
      public void remove() throws IOException {
        Folders.delete(work);
      }

      @Override
      public boolean writesLocalOutput() {
        return true;
      }

      @Override
      public Map<String, String> attributes() {
        return Map.of("state_dir", state.toString());
      }
    };
  }
}
