package io.labrun.cli.server;

import io.labrun.cli.CliContext;
import io.labrun.cli.config.ComputeTargetCommand;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.core.error.LabrunException;
import io.labrun.core.secret.ServerPasswords;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code labrun server secret ...}: the passwords the server logs in to password targets with, run
 * on the server host. A password a client stored with {@code computetarget attach} is encrypted
 * with that client's own key, which the server does not have; the operator gives it to the server
 * once per login, and it is kept encrypted with the server's key.
 */
@Command(
    name = "secret",
    mixinStandardHelpOptions = true,
    description =
        "Passwords of compute targets' logins (USER@HOST[:PORT]) for runs the server executes, kept"
            + " encrypted with the server's key.",
    subcommands = {
      SecretCommand.Set.class,
      SecretCommand.Remove.class,
      SecretCommand.ListLogins.class
    })
public final class SecretCommand {

  /** {@code server secret set LOGIN --password-stdin}. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Store the password of a login, read from standard input.")
  public static final class Set implements Runnable {
    private final CliContext ctx;

    @Parameters(
        paramLabel = "LOGIN",
        description = "USER@HOST or USER@HOST:PORT, as the target's .compute file names them.")
    String login;

    @Option(
        names = "--password-stdin",
        required = true,
        description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    public Set(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      String canonical = ServerPasswords.login(login);
      char[] password;
      try {
        password = ComputeTargetCommand.Attach.passwordFromStdin(ctx);
      } catch (IOException e) {
        throw LabrunException.badInput(
            "cannot read the password from standard input: " + e.getMessage());
      }
      try {
        if (password.length == 0) {
          throw LabrunException.badInput(
              "the password is empty; give it on the first line of standard input");
        }
        ctx.wiring().useServerPasswords().set(canonical, password);
      } finally {
        Arrays.fill(password, '\0');
      }
      ctx.out()
          .println("Stored the password for " + canonical + " (encrypted with this server's key).");
      ctx.out().flush();
    }
  }

  /** {@code server secret remove LOGIN}. */
  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Forget the password of a login.")
  public static final class Remove implements Runnable {
    private final CliContext ctx;

    @Parameters(paramLabel = "LOGIN", description = "USER@HOST or USER@HOST:PORT.")
    String login;

    public Remove(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      if (!ctx.wiring().useServerPasswords().remove(login)) {
        throw LabrunException.notFound(
            "no password is stored for "
                + ServerPasswords.login(login)
                + "; 'labrun server secret list' shows them");
      }
      ctx.out().println("Removed the password for " + ServerPasswords.login(login) + ".");
      ctx.out().flush();
    }
  }

  /** {@code server secret list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the logins that have a password (never the passwords).")
  public static final class ListLogins implements Runnable {
    private final CliContext ctx;
    @Mixin OutputOptions output;

    public ListLogins(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      List<Map<String, Object>> rows =
          ctx.wiring().useServerPasswords().logins().stream()
              .map(l -> Output.fields("login", (Object) l))
              .toList();
      new Output(ctx.out(), output).rows(rows, List.of("login"));
    }
  }
}
