package io.labrun.server;

import io.javalin.http.Context;
import io.labrun.core.history.ApiTokens;

/**
 * Every API request carries {@code Authorization: Bearer <token>}; the token's hash must be one the
 * store knows. Revoking a token takes effect on the next request: nothing is cached.
 */
final class Auth {
  static final String USER = "labrun.user";
  private final ApiTokens tokens;

  Auth(ApiTokens tokens) {
    this.tokens = tokens;
  }

  void check(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() > 512) {
      throw new ApiError(401, "this API needs a token: send 'Authorization: Bearer <token>'"
          + " (create one on the server host with 'labrun server token create --name NAME')");
    }
    String token = header.substring(7).strip();
    String name = tokens.nameOf(ApiTokenText.sha256(token)).orElseThrow(() ->
        new ApiError(401, "the token is not valid (revoked, or from another server); ask for a new one"));
    ctx.attribute(USER, name);
  }
}
