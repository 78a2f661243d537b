package io.labrun.core.run;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * Run ids in the original's spirit ({@code <experiment>_<time>}) made unique across processes and
 * sortable by creation time: {@code iris_20261126T181505123_9f3a1c}.
 */
public final class RunIds {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private RunIds() {}

  public static String next(String experiment, Instant now) {
    byte[] r = new byte[3];
    RANDOM.nextBytes(r);
    String safe = experiment.replaceAll("[^A-Za-z0-9._-]", "-");
    return safe + "_" + TIME.format(now) + "_" + HexFormat.of().formatHex(r);
  }
}
