package io.labrun.cli.server;

import io.labrun.cli.CliContext;
import io.labrun.store.SqlRunStore;
import picocli.CommandLine.Option;

/**
 * {@code --store URL}: the run history a server (and its token commands) use. Without it, what
 * {@code LABRUN_STORE} names, else the embedded SQLite history in the data folder; with {@code
 * jdbc:postgresql://HOST[:PORT]/DB}, a team's PostgreSQL. The user and password come from the URL's
 * {@code user}/{@code password} parameters or from {@code LABRUN_STORE_USER}/{@code
 * LABRUN_STORE_PASSWORD}, and are never printed.
 */
public final class StoreOption {
  @Option(
      names = "--store",
      paramLabel = "URL",
      description =
          "History database: jdbc:postgresql://HOST[:PORT]/DB (user and password from"
              + " LABRUN_STORE_USER/LABRUN_STORE_PASSWORD or the URL), or jdbc:sqlite:FILE."
              + " Default: what LABRUN_STORE names, else the embedded SQLite history.")
  String url;

  /** Opens the history this option names, through the context's wiring. */
  public SqlRunStore open(CliContext ctx) {
    return url == null ? ctx.wiring().sqlStore() : ctx.wiring().useStore(url);
  }
}
