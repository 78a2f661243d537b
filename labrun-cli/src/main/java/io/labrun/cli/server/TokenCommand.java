package io.labrun.cli.server;

import io.labrun.cli.CliContext;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ApiTokens;
import io.labrun.core.history.ApiTokens.Role;
import io.labrun.server.ApiTokenText;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code labrun server token ...}: the API tokens of a server, run on the server host. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description =
        "Create, list and revoke the tokens clients send to the server (kept as SHA-256 hashes"
            + " only).",
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.Revoke.class,
      TokenCommand.ListTokens.class
    })
public final class TokenCommand {

  /** {@code server token create --name N [--role read|submit|admin]}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a token and print it, once: it cannot be shown again.")
  public static final class Create implements Runnable {
    private final CliContext ctx;
    @Mixin StoreOption store;

    @Option(
        names = {"-n", "--name"},
        required = true,
        description = "Who or what the token is for (alice, ci...).")
    String name;

    @Option(
        names = "--role",
        paramLabel = "ROLE",
        description =
            "read (history, logs, downloads), submit (also submit runs and cancel its own;"
                + " the default) or admin (everything).")
    String role;

    public Create(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      if (!ApiTokenText.validName(name)) {
        throw LabrunException.badInput(
            "token name '" + name + "' must be 1-64 letters, digits, '.', '_', '@' or '-'");
      }
      Role granted =
          role == null
              ? Role.DEFAULT
              : Role.parse(role)
                  .orElseThrow(
                      () ->
                          LabrunException.badInput(
                              "role '" + role + "' is not one of read, submit, admin"));
      String token = ApiTokenText.generate();
      if (!store.open(ctx).tokens().add(name, ApiTokenText.sha256(token), Instant.now(), granted)) {
        throw LabrunException.badInput(
            "a token named '" + name + "' exists already; revoke it first or choose another name");
      }
      ctx.out().println(token);
      ctx.out().flush();
      ctx.err()
          .println(
              "labrun: token '"
                  + name
                  + "' (role "
                  + granted.configName()
                  + ") created; it is shown only now. Use it with: labrun login --server URL (reads"
                  + " it from stdin)");
      ctx.err().flush();
    }
  }

  /** {@code server token revoke N}. */
  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a token: the server refuses it from its next request on.")
  public static final class Revoke implements Runnable {
    private final CliContext ctx;
    @Mixin StoreOption store;

    @Parameters(paramLabel = "NAME", description = "The token's name.")
    String name;

    public Revoke(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      if (!store.open(ctx).tokens().revoke(name)) {
        throw LabrunException.notFound(
            "there is no token named '" + name + "'; 'labrun server token list' shows them");
      }
      ctx.out().println("Revoked token '" + name + "'.");
      ctx.out().flush();
    }
  }

  /** {@code server token list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the tokens' names (never the tokens).")
  public static final class ListTokens implements Runnable {
    private final CliContext ctx;
    @Mixin StoreOption store;
    @Mixin OutputOptions output;

    public ListTokens(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      List<ApiTokens.Token> tokens = store.open(ctx).tokens().list();
      List<Map<String, Object>> rows =
          tokens.stream()
              .map(
                  t ->
                      Output.fields(
                          "name",
                          t.name(),
                          "role",
                          t.role().configName(),
                          "created_utc",
                          t.created().toString()))
              .toList();
      new Output(ctx.out(), output).rows(rows, List.of("name", "role", "created_utc"));
    }
  }
}
