package io.labrun.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs labrun command lines in-process, as a user would type them, with captured output. */
public final class Cli {
  private final Path home;
  private final Map<String, String> extraEnv = new HashMap<>();
  private boolean interactive;

  public Cli(Path home) {
    this.home = home;
  }

  public Cli env(String name, String value) {
    extraEnv.put(name, value);
    return this;
  }

  /** Commands from now on believe a person sits at a terminal (prompts, live displays). */
  public Cli interactive(boolean on) {
    interactive = on;
    return this;
  }

  public Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", home.resolve("user").toString());
    env.put("LABRUN_HOME", home.resolve("labrun").toString());
    env.put("USER", "tester");
    env.putAll(extraEnv);
    return env;
  }

  public Result in(Path cwd, String... args) {
    return run(cwd, "", args);
  }

  public Result run(Path cwd, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    try (CliContext ctx = context(cwd, stdin)) {
      int code = Main.run(ctx, new PrintWriter(out, true), new PrintWriter(err, true), args);
      return new Result(code, out.toString(), err.toString());
    }
  }

  private CliContext context(Path cwd, String stdin) {
    return new CliContext(
        environment(),
        cwd,
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        interactive);
  }

  /** Starts a command line on another thread, for tests that press Ctrl-C while it runs. */
  public Running start(Path cwd, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliContext ctx = context(cwd, stdin);
    CompletableFuture<Result> result =
        CompletableFuture.supplyAsync(
            () -> {
              try (ctx) {
                int code =
                    Main.run(ctx, new PrintWriter(out, true), new PrintWriter(err, true), args);
                return new Result(code, out.toString(), err.toString());
              }
            },
            runnable -> new Thread(runnable, "cli-" + String.join("-", args)).start());
    return new Running(ctx, result, err);
  }

  /** A command line going on another thread. */
  public record Running(CliContext ctx, CompletableFuture<Result> result, StringWriter err) {
    public void pressCtrlC() {
      ctx.interrupts().press();
    }

    /** What the command has written to stderr so far. */
    public String errSoFar() {
      return err.toString();
    }

    public Result await(Duration max) throws Exception {
      return result.get(max.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** What a command printed and returned. */
  public record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }
}
