package io.labrun.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs labrun command lines in-process, as a user would type them, with captured output. */
public final class Cli {
  private final Path home;
  private final Map<String, String> extraEnv = new HashMap<>();

  public Cli(Path home) {
    this.home = home;
  }

  public Cli env(String name, String value) {
    extraEnv.put(name, value);
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
    try (CliContext ctx = new CliContext(environment(), cwd, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false)) {
      int code = Main.run(ctx, new PrintWriter(out, true), new PrintWriter(err, true), args);
      return new Result(code, out.toString(), err.toString());
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
