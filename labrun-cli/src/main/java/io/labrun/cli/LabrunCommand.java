package io.labrun.cli;

import io.labrun.cli.config.ComputeTargetCommand;
import io.labrun.cli.config.ProjectCommand;
import io.labrun.cli.config.RunConfigurationCommand;
import io.labrun.cli.daemon.DaemonCommand;
import io.labrun.cli.remote.LoginCommand;
import io.labrun.cli.run.ExperimentCommand;
import io.labrun.cli.run.HistoryCommand;
import io.labrun.cli.run.InternalCommand;
import io.labrun.cli.run.SubmitCommand;
import io.labrun.cli.server.ServerCommand;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.AutoComplete.GenerateCompletion;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The {@code labrun} command tree, mirroring the original's {@code az ml ...} commands. */
@Command(
    name = "labrun",
    mixinStandardHelpOptions = true,
    versionProvider = LabrunCommand.Version.class,
    description = {
      "Run a project's Python and PySpark scripts on local Python, Docker, remote hosts and Spark"
          + " clusters.",
      "Every run gets a snapshot, live output, collected outputs, metrics and a place in the run"
          + " history."
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 run failed, 2 bad input, 3 not found, 4 environment, 5 target"
          + " unavailable, 6 store, 70 internal error."
    })
public final class LabrunCommand {
  /**
   * The subcommands, by name. They are added to the command line by {@link Main}: only the one a
   * command line names (building picocli's model of all of them costs a short command a large part
   * of its start-up), all of them for help, completion and typos.
   */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    m.put("project", ProjectCommand.class);
    m.put("computetarget", ComputeTargetCommand.class);
    m.put("runconfiguration", RunConfigurationCommand.class);
    m.put("experiment", ExperimentCommand.class);
    m.put("submit", SubmitCommand.class);
    m.put("history", HistoryCommand.class);
    m.put("server", ServerCommand.class);
    m.put("login", LoginCommand.class);
    m.put("logout", LoginCommand.Logout.class);
    m.put("daemon", DaemonCommand.class);
    m.put("internal", InternalCommand.class);
    m.put("generate-completion", GenerateCompletion.class);
    return Collections.unmodifiableMap(m);
  }

  /** Reads the version Maven wrote into the jar. */
  public static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = LabrunCommand.class.getPackage().getImplementationVersion();
      return new String[] {"labrun " + (v == null ? "dev" : v), "Java " + Runtime.version()};
    }
  }
}
