package io.labrun.core.run;

import java.util.regex.Pattern;

/**
 * Which names (environment variables, params, tags, options, configuration keys) look like they
 * hold secrets: any name containing, in any case, {@code pass} ({@code passwd}, {@code password}),
 * {@code secret}, {@code token}, {@code apikey}/{@code api_key}, {@code privatekey}/{@code
 * private_key}, {@code credential}, {@code auth}, {@code session}, {@code cookie} or {@code
 * signature}. {@link Redaction} shows their values as {@value #REDACTED}, never as given.
 */
public final class SecretNames {
  public static final String REDACTED = "***";
  private static final Pattern SECRET =
      Pattern.compile(
          "(?i).*(pass(wd|word)?|secret|token|api_?key|private_?key|credential|auth|session|cookie|signature).*");

  private SecretNames() {}

  public static boolean looksSecret(String name) {
    return SECRET.matcher(name).matches();
  }
}
