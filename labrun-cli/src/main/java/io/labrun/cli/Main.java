package io.labrun.cli;

import io.labrun.app.Trace;
import io.labrun.cli.daemon.Resident;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Entry point of the {@code labrun} command. Every error a user can cause is printed as one line
 * ({@code labrun: ...}) with the exit code of {@link ExitCode}; a stack trace only appears for a
 * bug, and only with {@code LABRUN_DEBUG=1}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Trace.mark("main");
    int code;
    try (CliContext ctx = CliContext.system()) {
      code =
          run(
              ctx,
              new PrintWriter(System.out, true, StandardCharsets.UTF_8),
              new PrintWriter(System.err, true, StandardCharsets.UTF_8),
              args);
    }
    System.exit(code);
  }

  /** Runs one command line; tests call this with captured writers. */
  public static int run(CliContext ctx, PrintWriter out, PrintWriter err, String... args) {
    ctx.out = out;
    ctx.err = err;
    CommandLine cl = commandLine(ctx, args);
    cl.setOut(out);
    cl.setErr(err);
    Trace.mark("command line built");
    int code = cl.execute(args);
    Trace.mark("command done");
    return code;
  }

  /** The command line for {@code args}: the tree of the named subcommand only, or all of them. */
  public static CommandLine commandLine(CliContext ctx, String... args) {
    CommandLine cl = new CommandLine(new LabrunCommand(), new ContextFactory(ctx));
    String first = args.length == 0 ? null : args[0];
    boolean all =
        first == null
            || !LabrunCommand.SUBCOMMANDS.containsKey(first)
            || first.equals("generate-completion");
    LabrunCommand.SUBCOMMANDS.forEach(
        (name, cls) -> {
          if (all || name.equals(first)) {
            cl.addSubcommand(name, cls);
          }
        });
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    if (ctx.resident().isPresent()) {
      // picocli's AUTO asks the JVM's own console, which the resident process has not: ask the
      // client's
      boolean color = ctx.interactive() && !ctx.env().containsKey("NO_COLOR");
      cl.setColorScheme(
          CommandLine.Help.defaultColorScheme(
              color ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
    }
    // A script's own options (train.py --lr 0.1) belong to the script, not to labrun.
    if (cl.getSubcommands().containsKey("submit")) {
      cl.getSubcommands().get("submit").setStopAtPositional(true);
    }
    if (cl.getSubcommands().containsKey("experiment")) {
      cl.getSubcommands()
          .get("experiment")
          .getSubcommands()
          .get("submit")
          .setStopAtPositional(true);
    }
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> handle(ctx, cmd, ex));
    cl.setParameterExceptionHandler(
        (ex, badArgs) -> {
          CommandLine cmd = ex.getCommandLine();
          String message = ex.getMessage().lines().findFirst().orElse("bad arguments");
          cmd.getErr()
              .println(
                  "labrun: "
                      + message
                      + " (see '"
                      + cmd.getCommandSpec().qualifiedName()
                      + " --help')");
          cmd.getErr().flush();
          return ExitCode.BAD_INPUT.code();
        });
    return cl;
  }

  private static int handle(CliContext ctx, CommandLine cmd, Exception ex) {
    PrintWriter err = cmd.getErr();
    if (ex instanceof Resident.HandBack) {
      return ExitCode.INTERNAL
          .code(); // the resident process tells its client to run the command itself
    }
    if (ex instanceof LabrunException le) {
      err.println("labrun: " + oneLine(le.getMessage()));
      if (debug(ctx) && le.getCause() != null) {
        le.printStackTrace(err);
      }
      err.flush();
      return le.exitCode().code();
    }
    err.println(
        "labrun: internal error: "
            + ex.getClass().getSimpleName()
            + ": "
            + oneLine(String.valueOf(ex.getMessage()))
            + (debug(ctx)
                ? ""
                : " (a bug in labrun; run again with LABRUN_DEBUG=1 for details and report it)"));
    if (debug(ctx)) {
      ex.printStackTrace(err);
    }
    err.flush();
    return ExitCode.INTERNAL.code();
  }

  private static boolean debug(CliContext ctx) {
    return "1".equals(ctx.env().get("LABRUN_DEBUG"));
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replace("\r", "").replace('\n', ' ').strip();
  }

  /**
   * Gives commands that ask for it (a constructor taking {@link CliContext}) the invocation's
   * context.
   */
  private record ContextFactory(CliContext ctx) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        return cls.getDeclaredConstructor(CliContext.class).newInstance(ctx);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }
}
