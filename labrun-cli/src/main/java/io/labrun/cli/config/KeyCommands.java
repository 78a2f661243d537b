package io.labrun.cli.config;

import io.labrun.cli.CliContext;
import io.labrun.cli.ProjectOptions;
import io.labrun.core.config.KeyChanges;
import io.labrun.core.config.Loaded;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code labrun computetarget set|unset} and {@code labrun runconfiguration set|unset}: change
 * single keys of a project file in place. Each value is checked as a read of the file checks it;
 * the file keeps every other key, its comments and layout, and is replaced atomically, or is left
 * untouched when a value is refused.
 */
public final class KeyCommands {
  private KeyCommands() {}

  private static final String PASSWORD = "password";

  /** What the four commands share: the project, the file's name, and how a change is applied. */
  abstract static class KeyCommand implements Callable<Integer> {
    final CliContext ctx;
    @Mixin ProjectOptions project;

    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "The name of the compute target or run configuration.")
    String name;

    KeyCommand(CliContext ctx) {
      this.ctx = ctx;
    }

    /** True for a {@code .compute} file, false for a {@code .runconfig} file. */
    abstract boolean onTarget();

    int change(KeyChanges changes, Iterable<String> keys) {
      ProjectConfigs configs = ctx.wiring().configs(ctx.project(project.dir()));
      Loaded<?> now =
          onTarget()
              ? configs.changeComputeTarget(name, changes)
              : configs.changeRunConfiguration(name, changes);
      now.warnings().forEach(ctx::warn);
      ctx.out()
          .println(
              "Updated aml_config/"
                  + name
                  + (onTarget() ? ".compute" : ".runconfig")
                  + ": "
                  + String.join(", ", keys)
                  + ".");
      ctx.out().flush();
      return 0;
    }
  }

  /** {@code unset NAME KEY...} of either file. */
  abstract static class Unset extends KeyCommand {
    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "KEY",
        description = "A key to remove.")
    List<String> keys;

    Unset(CliContext ctx) {
      super(ctx);
    }

    @Override
    public Integer call() {
      return change(KeyChanges.removing(keys), keys);
    }
  }

  /** {@code computetarget set NAME KEY=VALUE...}. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description =
          "Set keys of a compute target (KEY=VALUE, checked as the file is read), keeping the rest"
              + " of its file.")
  public static final class SetTarget extends KeyCommand {
    @Parameters(
        index = "1..*",
        arity = "0..*",
        paramLabel = "KEY=VALUE",
        description = "A key of the .compute file and its new value.")
    List<String> pairs = List.of();

    @Option(
        names = "--password-stdin",
        description = "Read a new SSH password from standard input; it is stored encrypted.")
    boolean passwordStdin;

    public SetTarget(CliContext ctx) {
      super(ctx);
    }

    @Override
    boolean onTarget() {
      return true;
    }

    @Override
    public Integer call() throws IOException {
      Map<String, String> set =
          pairs(pairs, "labrun computetarget set " + name + " --password-stdin");
      if (passwordStdin) {
        char[] secret = ComputeTargetCommand.Attach.passwordFromStdin(ctx);
        if (secret.length == 0) {
          throw LabrunException.badInput(
              "the password is empty; give it on standard input with --password-stdin");
        }
        set.put(PASSWORD, ctx.wiring().secrets().encrypt(secret));
        Arrays.fill(secret, '\0');
      }
      if (set.isEmpty()) {
        throw LabrunException.badInput(
            "say what to set: KEY=VALUE (for example baseDockerImage=python:3.11), or"
                + " --password-stdin");
      }
      return change(KeyChanges.setting(set), set.keySet());
    }
  }

  /** {@code computetarget unset NAME KEY...}. */
  @Command(
      name = "unset",
      mixinStandardHelpOptions = true,
      description = "Remove keys from a compute target's file, keeping the rest of it.")
  public static final class UnsetTarget extends Unset {
    public UnsetTarget(CliContext ctx) {
      super(ctx);
    }

    @Override
    boolean onTarget() {
      return true;
    }
  }

  /** {@code runconfiguration set NAME KEY=VALUE...}. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description =
          "Set keys of a run configuration (KEY=VALUE, checked as the file is read), keeping the"
              + " rest of its file and its form.")
  public static final class SetConfig extends KeyCommand {
    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "KEY=VALUE",
        description =
            "A key of the .runconfig file and its new value ([a, b] for a list, {A: 1} for a map).")
    List<String> pairs;

    public SetConfig(CliContext ctx) {
      super(ctx);
    }

    @Override
    boolean onTarget() {
      return false;
    }

    @Override
    public Integer call() {
      Map<String, String> set = pairs(pairs, null);
      return change(KeyChanges.setting(set), set.keySet());
    }
  }

  /** {@code runconfiguration unset NAME KEY...}. */
  @Command(
      name = "unset",
      mixinStandardHelpOptions = true,
      description = "Remove keys from a run configuration's file, keeping the rest of it.")
  public static final class UnsetConfig extends Unset {
    public UnsetConfig(CliContext ctx) {
      super(ctx);
    }

    @Override
    boolean onTarget() {
      return false;
    }
  }

  /**
   * KEY=VALUE arguments in order. A password is never taken from the command line (it would stay in
   * the shell history): {@code passwordWay} says how to give it, null where there is none.
   */
  static Map<String, String> pairs(List<String> args, String passwordWay) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw LabrunException.badInput("'" + a + "' is not KEY=VALUE; write for example port=2222");
      }
      String key = a.substring(0, eq);
      if (passwordWay != null && key.equals(PASSWORD)) {
        throw LabrunException.badInput(
            "a password is never given on the command line (it would stay in your shell history);"
                + " use '"
                + passwordWay
                + "'");
      }
      if (out.put(key, a.substring(eq + 1)) != null) {
        throw LabrunException.badInput("'" + key + "' is given twice; give it once");
      }
    }
    return out;
  }
}
