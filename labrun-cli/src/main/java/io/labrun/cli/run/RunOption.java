package io.labrun.cli.run;

import picocli.CommandLine.Option;

/** {@code -r RUN}, mixed into every command that works on one run. */
public final class RunOption {
  @Option(
      names = {"-r", "--run"},
      required = true,
      paramLabel = "RUN",
      description = "Run id.")
  String runId;

  /** The run's id as given. */
  public String id() {
    return runId;
  }
}
