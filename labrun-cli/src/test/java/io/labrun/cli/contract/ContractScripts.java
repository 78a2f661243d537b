package io.labrun.cli.contract;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a target runs the contract's scripts, where that differs from a Python process under the
 * run's supervisor: the defaults are what most targets do; a Python driver in YARN's
 * ApplicationMaster container (cluster deploy mode, from this machine or a head node) differs in
 * each ({@link YarnClusterMode}).
 */
interface ContractScripts {
  /** The scripts as written, in a process of their own. */
  ContractScripts AS_WRITTEN = new ContractScripts() {};

  /** What is written into the project for the contract's file {@code name}. */
  default String content(String name, String content) {
    return content;
  }

  /** Writes what the scripts need next to them into the project. */
  default void prepare(Path project) throws IOException {}

  /** How long a script may take to start printing (a cluster's application start, under load). */
  default Duration patience() {
    return Duration.ofSeconds(60);
  }

  /**
   * Whether a failed script's last stderr line is the reason shown with the failure; else another
   * reason is (YARN's diagnostic), and the line is in the run's output.
   */
  default boolean lastStderrLineIsTheReason() {
    return true;
  }
}
