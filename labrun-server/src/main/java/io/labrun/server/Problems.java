package io.labrun.server;

import io.javalin.http.Context;
import io.labrun.core.error.LabrunException;
import java.util.Map;

/** Turns every failure of a request into a JSON error; only bugs are logged, with their trace. */
final class Problems {
  private Problems() {}

  static void apiError(ApiError e, Context ctx) {
    ctx.status(e.status()).json(Map.of("error", e.getMessage()));
    if (e.status() == 401) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"labrun\"");
    }
  }

  static void labrun(LabrunException e, Context ctx) {
    apiError(ApiError.of(e), ctx);
  }

  static void bug(Exception e, Context ctx) {
    System.err.println(
        "labrun server: internal error on " + ctx.method() + " " + ctx.path() + ": " + e);
    e.printStackTrace();
    ctx.status(500)
        .json(Map.of("error", "internal error in the labrun server; its log has the details"));
  }
}
