package io.labrun.cli.server;

import io.labrun.cli.CliContext;
import io.labrun.core.error.LabrunException;
import io.labrun.store.SqlRunStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --store URL}: the run history a server (and its token commands) use. Without it, the
 * embedded SQLite history in the data folder; with {@code jdbc:postgresql://HOST[:PORT]/DB}, a
 * team's PostgreSQL. The user and password come from the URL's {@code user}/{@code password}
 * parameters or from {@code LABRUN_STORE_USER}/{@code LABRUN_STORE_PASSWORD}, and are never
 * printed.
 */
public final class StoreOption {
  @Option(
      names = "--store",
      paramLabel = "URL",
      description =
          "History database: jdbc:postgresql://HOST[:PORT]/DB (user and password from"
              + " LABRUN_STORE_USER/LABRUN_STORE_PASSWORD or the URL), or jdbc:sqlite:FILE."
              + " Default: the embedded SQLite history.")
  String url;

  /** Opens the history this option names, through the context's wiring. */
  public SqlRunStore open(CliContext ctx) {
    return url == null ? ctx.wiring().sqlStore() : ctx.wiring().useStore(jdbcUrl(url, ctx.env()));
  }

  static String jdbcUrl(String given, Map<String, String> env) {
    String url = given.strip();
    if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
      url = "jdbc:postgresql://" + url.substring(url.indexOf("//") + 2);
    }
    if (url.startsWith("jdbc:sqlite:")) {
      return url;
    }
    if (!url.startsWith("jdbc:postgresql://")) {
      throw LabrunException.badInput(
          "--store must be jdbc:postgresql://HOST[:PORT]/DB or jdbc:sqlite:FILE");
    }
    url = withParam(url, "user", env.get("LABRUN_STORE_USER"));
    return withParam(url, "password", env.get("LABRUN_STORE_PASSWORD"));
  }

  private static String withParam(String url, String name, String value) {
    if (value == null || value.isEmpty() || url.matches("(?s).*[?&]" + name + "=.*")) {
      return url;
    }
    return url
        + (url.contains("?") ? "&" : "?")
        + name
        + "="
        + URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
