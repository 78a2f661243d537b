package io.labrun.app.remote;

import io.labrun.core.error.LabrunException;

/**
 * A labrun server and the token that works through it. The token is a secret: {@link #toString()}
 * leaves it out, so no message or log line that names a server can show it.
 */
public record Server(String url, String token) {
  public Server {
    url = url.replaceAll("/+$", "");
  }

  /** A server URL as a user typed it, checked: a typo is one line saying what to give. */
  public static String checkedUrl(String url) {
    String u = url.strip();
    if (!u.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?")) {
      throw LabrunException.badInput(
          "'" + url + "' is not a server URL; give one like http://HOST:8470");
    }
    return u;
  }

  @Override
  public String toString() {
    return "Server[" + url + "]";
  }
}
