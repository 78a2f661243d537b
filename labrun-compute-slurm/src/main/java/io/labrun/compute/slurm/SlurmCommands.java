package io.labrun.compute.slurm;

import java.io.IOException;
import java.util.List;

/**
 * Slurm's commands ({@code sbatch}, {@code scontrol}, {@code scancel}) where they work: on this
 * machine, or on the cluster's login node over SSH.
 */
interface SlurmCommands {
  /** What a command said and how it ended. */
  record Result(int exitCode, String out, String err) {
    /** The last line of its error output, or its exit code: for a one-line message. */
    String problem() {
      String e = err.strip();
      return e.isEmpty() ? "exit code " + exitCode : e.substring(e.lastIndexOf('\n') + 1);
    }
  }

  /** Runs {@code argv} (no shell) and waits for it. */
  Result run(List<String> argv) throws IOException;

  /** Where the commands run, for messages: "this machine" or the login node. */
  String where();
}
