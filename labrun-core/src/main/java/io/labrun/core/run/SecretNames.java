package io.labrun.core.run;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which environment variable names look like they hold secrets; their values are recorded and
 * shown as {@value #REDACTED}, never as given.
 */
public final class SecretNames {
  public static final String REDACTED = "***";
  private static final Pattern SECRET = Pattern.compile("(?i).*(pass(wd|word)?|secret|token|api_?key|private_?key|credential|auth|session|cookie|signature).*");

  private SecretNames() {}

  public static boolean looksSecret(String name) {
    return SECRET.matcher(name).matches();
  }

  public static Map<String, String> redact(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach((k, v) -> out.put(k, looksSecret(k) ? REDACTED : v));
    return out;
  }
}
