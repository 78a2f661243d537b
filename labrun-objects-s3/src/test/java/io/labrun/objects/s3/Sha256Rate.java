package io.labrun.objects.s3;

import io.labrun.core.history.ObjectIds;
import java.security.MessageDigest;
import java.util.Random;

/**
 * How fast {@link Sha256} hashes against the JDK's SHA-256, in MiB/s over 8 MiB buffers (a streamed
 * upload's parts): run by bench/sha256-rate.sh, not a test.
 */
public final class Sha256Rate {
  private Sha256Rate() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    byte[] part = new byte[8 << 20];
    new Random(1).nextBytes(part);
    int parts = 64; // 512 MiB a round
    for (int r = 1; r <= rounds; r++) {
      long t0 = System.nanoTime();
      Sha256 own = new Sha256();
      for (int i = 0; i < parts; i++) {
        own.update(part, 0, part.length);
      }
      String a = own.hex();
      long t1 = System.nanoTime();
      MessageDigest jdk = ObjectIds.newDigest();
      for (int i = 0; i < parts; i++) {
        jdk.update(part, 0, part.length);
      }
      String b = ObjectIds.hex(jdk);
      long t2 = System.nanoTime();
      if (!a.equals(b)) {
        throw new IllegalStateException("the hashes differ: " + a + " " + b);
      }
      System.out.printf(
          "round %d: labrun Sha256 %.0f MiB/s, JDK SHA-256 %.0f MiB/s%n",
          r, parts * 8 / ((t1 - t0) / 1e9), parts * 8 / ((t2 - t1) / 1e9));
    }
  }
}
