package io.labrun.cli;

import io.labrun.cli.config.ComputeTargetCommand;
import io.labrun.cli.config.ProjectCommand;
import io.labrun.cli.config.RunConfigurationCommand;
import io.labrun.cli.run.ExperimentCommand;
import io.labrun.cli.run.HistoryCommand;
import io.labrun.cli.run.InternalCommand;
import io.labrun.cli.run.SubmitCommand;
import picocli.AutoComplete.GenerateCompletion;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The {@code labrun} command tree, mirroring the original's {@code az ml ...} commands. */
@Command(
    name = "labrun",
    mixinStandardHelpOptions = true,
    versionProvider = LabrunCommand.Version.class,
    description = {
      "Run a project's Python and PySpark scripts on local Python, Docker, remote hosts and Spark clusters,",
      "with a snapshot, live output, collected outputs, metrics and a run history for every run."
    },
    footer = {"", "Exit codes: 0 success, 1 run failed, 2 bad input, 3 not found, 4 environment, 5 target unavailable, 6 store, 70 internal error."},
    subcommands = {
      ProjectCommand.class,
      ComputeTargetCommand.class,
      RunConfigurationCommand.class,
      ExperimentCommand.class,
      SubmitCommand.class,
      HistoryCommand.class,
      InternalCommand.class,
      GenerateCompletion.class
    })
public final class LabrunCommand {
  /** Reads the version Maven wrote into the jar. */
  public static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = LabrunCommand.class.getPackage().getImplementationVersion();
      return new String[] {"labrun " + (v == null ? "dev" : v), "Java " + Runtime.version()};
    }
  }
}
