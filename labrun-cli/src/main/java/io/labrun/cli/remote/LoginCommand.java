package io.labrun.cli.remote;

import io.labrun.app.remote.Server;
import io.labrun.app.remote.ServerRuns;
import io.labrun.cli.CliContext;
import io.labrun.core.error.LabrunException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code labrun login --server URL}: work through a team server from now on (token read from
 * stdin).
 */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description = {
      "Use a labrun server: 'history list/info', 'experiment logs' and 'experiment submit' then go"
          + " through it.",
      "The token is read from stdin (printf '%s' \"$TOKEN\" | labrun login --server URL), checked,"
          + " and saved",
      "in labrun's config folder, readable by you only. LABRUN_SERVER and LABRUN_TOKEN override it."
    })
public final class LoginCommand implements Runnable {
  private final CliContext ctx;

  @Option(
      names = "--server",
      required = true,
      paramLabel = "URL",
      description = "The server, e.g. http://labrun.example.org:8470.")
  String server;

  public LoginCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    String token;
    try {
      token =
          new BufferedReader(new InputStreamReader(ctx.stdin(), StandardCharsets.UTF_8)).readLine();
    } catch (IOException e) {
      throw LabrunException.badInput("cannot read the token from stdin: " + e.getMessage());
    }
    if (token == null || token.isBlank()) {
      throw LabrunException.badInput(
          "no token on stdin; pipe it in: printf '%s' \"$TOKEN\" | labrun login --server "
              + server);
    }
    Server remote = new Server(Server.checkedUrl(server), token.strip());
    new ServerRuns(remote, ctx::wiring).check();
    Remote.save(ctx, remote);
    ctx.out()
        .println(
            "Logged in to "
                + remote.url()
                + "; history, logs and submit now go through it ('labrun logout' to stop).");
    ctx.out().flush();
  }

  /** {@code labrun logout}. */
  @Command(
      name = "logout",
      mixinStandardHelpOptions = true,
      description = "Forget the saved server login: commands work on this machine's history again.")
  public static final class Logout implements Runnable {
    private final CliContext ctx;

    public Logout(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      ctx.out().println(Remote.forget(ctx) ? "Logged out." : "Not logged in to a server.");
      ctx.out().flush();
    }
  }
}
