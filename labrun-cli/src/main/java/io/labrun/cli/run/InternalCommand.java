package io.labrun.cli.run;

import io.labrun.cli.CliContext;
import io.labrun.cli.Main;
import io.labrun.core.home.Folders;
import io.labrun.core.run.Run;
import io.labrun.ssh.SshWarmup;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Commands labrun calls itself; hidden from help. */
@Command(
    name = "internal",
    hidden = true,
    subcommands = {InternalCommand.Finalize.class, InternalCommand.Warmup.class, SweepResume.class})
public final class InternalCommand {

  /** Called by a run's supervisor, when nobody watched the run end, to record its end. */
  @Command(name = "finalize", hidden = true)
  public static final class Finalize implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0")
    String runId;

    public Finalize(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Run run = RunLookup.find(ctx, runId);
      return run.status().isFinal() ? 0 : 1;
    }
  }

  /**
   * Runs a small project through the common commands in a throw-away data folder, so that the
   * launcher can record the classes they load in a class-data-sharing archive (bin/labrun does this
   * once after each build).
   */
  @Command(name = "warmup", hidden = true)
  public static final class Warmup implements Callable<Integer> {
    private final CliContext ctx;

    public Warmup(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      Path tmp = Files.createTempDirectory("labrun-warmup");
      try {
        Map<String, String> env = new HashMap<>(ctx.env());
        env.put("LABRUN_HOME", tmp.resolve("home").toString());
        Path project = tmp.resolve("project");
        PrintWriter sink = new PrintWriter(Writer.nullWriter());
        String[][] commands = {
          {"project", "init", project.toString()},
          {"experiment", "submit", "-p", project.toString(), "-c", "local", "warmup.py", "1"},
          {"history", "list", "-p", project.toString()},
          {"history", "info", "-r", "none"},
          {"computetarget", "list", "-p", project.toString(), "-o", "json"},
        };
        for (String[] args : commands) {
          if (args[1].equals("submit")) {
            Files.writeString(
                project.resolve("warmup.py"),
                "import labrun\nlabrun.log_metric('x', 1)\nprint('ok')\n");
          }
          try (CliContext c = new CliContext(env, tmp, InputStream.nullInputStream(), false)) {
            Main.run(c, sink, sink, args);
          }
        }
        SshWarmup.run(Files.createDirectories(tmp.resolve("ssh")));
        return 0;
      } finally {
        Folders.delete(tmp);
      }
    }
  }
}
