package io.labrun.cli.config;

import io.labrun.cli.CliContext;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.project.Project;
import io.labrun.format.ProjectTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code labrun project init [DIR]}. */
@Command(
    name = "project",
    mixinStandardHelpOptions = true,
    description = "Create labrun projects.",
    subcommands = ProjectCommand.Init.class)
public final class ProjectCommand {

  /** {@code project init}: the original's new-project {@code aml_config/} folder. */
  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description = {
        "Create aml_config/ in DIR (default: the current folder) with local and docker targets.",
        "Also writes their run configurations, conda_dependencies.yml and spark_dependencies.yml."
            + " Existing files are kept."
      })
  public static final class Init implements Runnable {
    private final CliContext ctx;

    @Parameters(
        paramLabel = "DIR",
        arity = "0..1",
        description = "Project folder (created if missing).")
    Path dir;

    public Init(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      Path root = dir == null ? ctx.cwd() : ctx.resolve(dir.toString());
      try {
        Files.createDirectories(root);
      } catch (IOException e) {
        throw new LabrunException(
            ExitCode.BAD_INPUT,
            "cannot create the project folder " + root + ": " + e.getMessage(),
            e);
      }
      ProjectTemplate.Result result = ProjectTemplate.create(new Project(root));
      for (String f : result.created()) {
        ctx.out().println("created " + f);
      }
      for (String f : result.kept()) {
        ctx.out().println("kept    " + f + " (exists)");
      }
      ctx.out()
          .println(
              "Project ready in " + root + ". Try: labrun experiment submit -c local SCRIPT.py");
      ctx.out().flush();
    }
  }
}
