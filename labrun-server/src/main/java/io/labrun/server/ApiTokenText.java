package io.labrun.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The text of API tokens: {@code lrt_} and 256 random bits in base64url. Only their SHA-256 is
 * stored: a salt or a slow hash would add nothing for random 256-bit secrets, which no one can
 * guess or look up in a table.
 */
public final class ApiTokenText {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PREFIX = "lrt_";

  private ApiTokenText() {}

  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Lowercase hex SHA-256 of the token's text, as stored. */
  public static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** Token names: what `labrun server token create --name` accepts. */
  public static boolean validName(String name) {
    return name != null && name.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
  }
}
