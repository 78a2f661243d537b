package io.labrun.server;

import io.javalin.http.Context;
import java.util.Map;

/**
 * The headers every answer of the server carries (the API, the UI's files, errors, event streams):
 * the UI runs only its own script files (no inline script, no other origin), no page may frame it,
 * a browser never guesses a type, and no URL of the server leaks to another site as a referrer.
 */
final class BrowserHeaders {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  static final Map<String, String> ALL =
      Map.of(
          "Content-Security-Policy", CONTENT_SECURITY_POLICY,
          "X-Frame-Options", "DENY",
          "X-Content-Type-Options", "nosniff",
          "Referrer-Policy", "no-referrer");

  private BrowserHeaders() {}

  static void add(Context ctx) {
    ALL.forEach(ctx::header);
  }
}
