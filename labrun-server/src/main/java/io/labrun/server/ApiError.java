package io.labrun.server;

import io.labrun.core.error.LabrunException;

/**
 * An error answered as {@code {"error": "..."}} with an HTTP status. The message is one line a
 * person can act on, like the CLI's; nothing else of the failure (no stack trace, no SQL, no path
 * on the server's disk) leaves the server.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  ApiError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, message);
  }

  static ApiError notFound(String message) {
    return new ApiError(404, message);
  }

  /** The HTTP face of an error the core reports. */
  static ApiError of(LabrunException e) {
    int status =
        switch (e.exitCode()) {
          case BAD_INPUT -> 400;
          case NOT_FOUND -> 404;
          case STORE, TARGET_UNAVAILABLE -> 503;
          default -> 500;
        };
    return new ApiError(
        status, e.getMessage() == null ? "error" : e.getMessage().replace('\n', ' '));
  }
}
