package io.labrun.cli.daemon;

import io.labrun.cli.CliContext;
import io.labrun.core.config.Durations;
import io.labrun.core.error.ExitCode;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code labrun daemon status|stop}: the resident labrun process that serves this user's commands.
 * Both answer from inside it; when none runs, bin/labrun's client says so without starting one.
 */
@Command(
    name = "daemon",
    mixinStandardHelpOptions = true,
    description = {
      "The resident labrun process that runs your labrun commands, so that none waits for a JVM to start.",
      "One per user and labrun build; it stops after LABRUN_DAEMON_IDLE_TIMEOUT (default 3h) without a command.",
      "LABRUN_DAEMON=0 runs every command in a JVM of its own instead."
    },
    subcommands = {DaemonCommand.Status.class, DaemonCommand.Stop.class})
public final class DaemonCommand {

  /** {@code labrun daemon status}. */
  @Command(name = "status", mixinStandardHelpOptions = true, description = "Say whether the daemon runs, its process id, socket and log.")
  public static final class Status implements Callable<Integer> {
    private final CliContext ctx;

    public Status(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      if (ctx.resident().isEmpty()) {
        ctx.out().println("labrun daemon: not used by this command (LABRUN_DAEMON=0, or it could not start)");
        return ExitCode.NOT_FOUND.code();
      }
      Resident r = ctx.resident().get();
      ctx.out().println("labrun daemon: running, pid " + ProcessHandle.current().pid() + ", up " + Durations.format(Duration.between(r.started(), Instant.now()).withNanos(0))
          + ", " + (r.active() - 1) + " other command(s) running, idle timeout " + Durations.format(r.idleTimeout()));
      ctx.out().println("socket: " + r.socket());
      ctx.out().println("log:    " + r.log());
      return 0;
    }
  }

  /** {@code labrun daemon stop}. */
  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the daemon (runs go on; the next command starts a new one).")
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
