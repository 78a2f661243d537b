package io.labrun.cli.remote;

import io.labrun.app.remote.Server;
import io.labrun.cli.CliContext;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.home.Folders;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The labrun server this CLI works through, if any: {@code LABRUN_SERVER} and {@code LABRUN_TOKEN},
 * or what {@code labrun login} saved in {@code CONFIG/server.json} (mode 0600). With one, every
 * {@code history} command, {@code experiment submit/logs/status/cancel} go to the server (sweeps
 * stay on this machine): {@code CliContext.runs()} picks {@code ServerRuns} for it.
 */
public final class Remote {
  static final String FILE = "server.json";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Remote() {}

  /** The server to use, from the environment first, then from the saved login. */
  public static Optional<Server> of(CliContext ctx) {
    String url = ctx.env().get("LABRUN_SERVER");
    if (url != null && !url.isBlank()) {
      String token = ctx.env().get("LABRUN_TOKEN");
      if (token == null || token.isBlank()) {
        Optional<Server> saved = saved(ctx).filter(r -> r.url().equals(url.replaceAll("/+$", "")));
        if (saved.isEmpty()) {
          throw LabrunException.badInput(
              "LABRUN_SERVER is set but LABRUN_TOKEN is not; set it, or run 'labrun login --server "
                  + url
                  + "'");
        }
        return saved;
      }
      return Optional.of(new Server(Server.checkedUrl(url), token.strip()));
    }
    return saved(ctx);
  }

  /**
   * Refuses, in one line, a command that works on this machine's history only while a server is in
   * use.
   */
  public static void requireLocal(CliContext ctx, String command) {
    of(ctx)
        .ifPresent(
            r -> {
              throw LabrunException.badInput(
                  "'"
                      + command
                      + "' works on this machine's history only, not through "
                      + r.url()
                      + "; run 'labrun logout' (or unset LABRUN_SERVER) to use it");
            });
  }

  static Optional<Server> saved(CliContext ctx) {
    Path file = ctx.paths().configDir().resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode j = JSON.readTree(Files.readString(file));
      return Optional.of(new Server(j.get("server").asString(), j.get("token").asString()));
    } catch (IOException | RuntimeException e) {
      throw new LabrunException(
          ExitCode.BAD_INPUT,
          "cannot read " + file + "; log in again with 'labrun login --server URL', or delete it");
    }
  }

  /** Saves the login, readable by this user only. */
  static void save(CliContext ctx, Server server) {
    Path dir = ctx.paths().configDir();
    Path file = dir.resolve(FILE);
    try {
      Folders.createPrivate(dir);
      Path tmp =
          Files.createTempFile(
              dir,
              ".server-",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Map<String, String> m = new LinkedHashMap<>();
      m.put("server", server.url());
      m.put("token", server.token());
      Files.writeString(tmp, JSON.writeValueAsString(m));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE, "cannot save the login in " + file + ": " + e.getMessage(), e);
    }
  }

  static boolean forget(CliContext ctx) {
    try {
      return Files.deleteIfExists(ctx.paths().configDir().resolve(FILE));
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE, "cannot remove the saved login: " + e.getMessage(), e);
    }
  }
}
