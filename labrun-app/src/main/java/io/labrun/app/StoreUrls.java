package io.labrun.app;

import io.labrun.core.error.LabrunException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A history's URL as a person gives it ({@code labrun server --store}, {@code LABRUN_STORE}) made
 * into the JDBC URL the store opens: {@code postgresql://} becomes {@code jdbc:postgresql://}, and
 * the user and password come from {@code LABRUN_STORE_USER}/{@code LABRUN_STORE_PASSWORD} unless
 * the URL has them; they are never printed.
 */
final class StoreUrls {
  private StoreUrls() {}

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
          "--store (or LABRUN_STORE) must be jdbc:postgresql://HOST[:PORT]/DB or"
              + " jdbc:sqlite:FILE");
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
