package io.labrun.server;

import io.javalin.http.Context;
import io.labrun.core.history.ApiTokens;
import io.labrun.core.history.ApiTokens.Role;
import io.labrun.core.run.Run;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every API request carries {@code Authorization: Bearer <token>}; the token's hash must be one the
 * store knows ({@code 401} otherwise), and its role must be at least the one the route table
 * ({@link ApiRoutes}) gives the route ({@code 403} otherwise). A new request is checked against the
 * store itself, nothing cached; what stays open (an event stream, a download, an upload) asks
 * {@link #stillValid} as it goes, which asks the store again at most every {@value #RECHECK_MS} ms,
 * so a revoked token loses them within a second.
 */
final class Auth {
  static final long RECHECK_MS = 250;
  private static final String CALLER = "labrun.caller";
  private final ApiTokens tokens;
  private final Map<String, Checked> checked = new ConcurrentHashMap<>();

  Auth(ApiTokens tokens) {
    this.tokens = tokens;
  }

  /** Who sends a request: the token's name and role, and its hash to check it again later. */
  record Caller(String name, Role role, String sha256) {}

  private record Checked(boolean valid, long atMs) {}

  /** Before every {@code /api/} request: who is it? */
  void authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null
        || !header.regionMatches(true, 0, "Bearer ", 0, 7)
        || header.length() > 512) {
      throw new ApiError(
          401,
          "this API needs a token: send 'Authorization: Bearer <token>'"
              + " (create one on the server host with 'labrun server token create --name NAME')");
    }
    String sha = ApiTokenText.sha256(header.substring(7).strip());
    ApiTokens.Token token =
        tokens
            .find(sha)
            .orElseThrow(
                () ->
                    new ApiError(
                        401,
                        "the token is not valid (revoked, or from another server); ask for a new"
                            + " one"));
    ctx.attribute(CALLER, new Caller(token.name(), token.role(), sha));
  }

  /**
   * Before every matched {@code /api/} route: may this caller use it? A route without a role in the
   * table is refused.
   */
  void authorize(Context ctx) {
    Role needed =
        ctx.routeRoles().stream()
            .filter(ApiRoutes.Needs.class::isInstance)
            .map(r -> ((ApiRoutes.Needs) r).role())
            .findFirst()
            .orElse(null);
    Caller caller = caller(ctx);
    if (needed == null || !caller.role().allows(needed)) {
      throw new ApiError(
          403,
          "token '"
              + caller.name()
              + "' has role "
              + caller.role().configName()
              + "; this needs "
              + (needed == null ? "a route the server knows" : needed.configName())
              + " (ask for a token with 'labrun server token create --role')");
    }
  }

  static Caller caller(Context ctx) {
    return Objects.requireNonNull(
        ctx.attribute(CALLER), "no caller: the request was not authenticated");
  }

  /**
   * For what only a run's submitter or an admin may do: the run's submitter is the name of the
   * token that submitted it.
   */
  static void requireOwnerOrAdmin(Context ctx, Run run, String what) {
    Caller caller = caller(ctx);
    String owner = run.submittedBy();
    if (caller.role() != Role.ADMIN && !caller.name().equals(owner)) {
      throw new ApiError(
          403,
          "run "
              + run.id()
              + (owner == null
                  ? " was not submitted through this server"
                  : " was submitted by '" + owner + "'")
              + "; only its submitter or an admin token may "
              + what);
    }
  }

  /**
   * True while the token that {@code caller} used is still known; asks the store at most every
   * {@value #RECHECK_MS} ms per token.
   */
  boolean stillValid(Caller caller) {
    long now = System.currentTimeMillis();
    Checked c = checked.get(caller.sha256());
    if (c == null || now - c.atMs() >= RECHECK_MS) {
      c = new Checked(tokens.find(caller.sha256()).isPresent(), now);
      checked.put(caller.sha256(), c);
    }
    return c.valid();
  }
}
