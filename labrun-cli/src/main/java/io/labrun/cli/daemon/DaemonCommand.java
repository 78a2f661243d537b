package io.labrun.cli.daemon;

import static io.labrun.cli.output.Output.fields;

import io.labrun.cli.CliContext;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.core.error.ExitCode;
import io.labrun.core.history.RunView;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code labrun daemon status|stop}: the resident labrun process that serves this user's commands.
 * Both answer from inside it; when none runs, bin/labrun's client says so without starting one.
 */
@Command(
    name = "daemon",
    mixinStandardHelpOptions = true,
    description = {
      "The resident labrun process that runs your labrun commands, so that none waits for a JVM to"
          + " start.",
      "One per user and labrun build; it stops after LABRUN_DAEMON_IDLE_TIMEOUT (default 3h)"
          + " without a command.",
      "LABRUN_DAEMON=0 runs every command in a JVM of its own instead."
    },
    subcommands = {DaemonCommand.Status.class, DaemonCommand.Stop.class})
public final class DaemonCommand {

  /** {@code labrun daemon status}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Say whether the daemon runs, its process id, how long it has been up, its socket and"
              + " log.")
  public static final class Status implements Callable<Integer> {
    private final CliContext ctx;
    @Mixin OutputOptions output;

    public Status(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      if (ctx.resident().isEmpty()) {
        if (output.json()) {
          new Output(ctx.out(), output).record(fields("running", false));
        } else {
          ctx.out()
              .println(
                  "labrun daemon: not used by this command (LABRUN_DAEMON=0, or it could not"
                      + " start)");
        }
        return ExitCode.NOT_FOUND.code();
      }
      Resident r = ctx.resident().get();
      long pid = ProcessHandle.current().pid();
      Duration up = Duration.between(r.started(), Instant.now());
      if (output.json()) {
        new Output(ctx.out(), output)
            .record(
                fields(
                    "running",
                    true,
                    "pid",
                    pid,
                    "up_seconds",
                    up.toSeconds(),
                    "up",
                    RunView.duration(up),
                    "other_commands",
                    r.active() - 1,
                    "idle_timeout_seconds",
                    r.idleTimeout().toSeconds(),
                    "idle_timeout",
                    RunView.duration(r.idleTimeout()),
                    "socket",
                    r.socket().toString(),
                    "log",
                    r.log().toString()));
        return 0;
      }
      ctx.out()
          .println(
              "labrun daemon: running, pid "
                  + pid
                  + ", up "
                  + RunView.duration(up)
                  + ", "
                  + (r.active() - 1)
                  + " other command(s) running, idle timeout "
                  + RunView.duration(r.idleTimeout()));
      ctx.out().println("socket: " + r.socket());
      ctx.out().println("log:    " + r.log());
      return 0;
    }
  }

  /** {@code labrun daemon stop}. */
  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description =
          "Stop the daemon at once: it takes no command after this one (runs go on; the next"
              + " command starts a new daemon).")
  public static final class Stop implements Callable<Integer> {
    private final CliContext ctx;

    public Stop(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      if (ctx.resident().isEmpty()) {
        ctx.out().println("labrun daemon: not running");
        return 0;
      }
      ctx.resident().get().stopAfterThisCommand();
      ctx.out().println("labrun daemon: stopping (pid " + ProcessHandle.current().pid() + ")");
      return 0;
    }
  }
}
