package io.labrun.objects.s3;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * SHA-256 (FIPS 180-4) whose state part-way through can be saved and taken up again: a streamed
 * upload records it in the bucket at each whole part, so another server process continues hashing
 * where the last one stopped. The JDK's {@code MessageDigest} cannot export its state; this one is
 * pure Java, so slower than the JDK's (which uses the CPU's SHA instructions where it can), and
 * used only where the state must outlive the process.
 */
final class Sha256 {
  private static final int[] K = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  };
  private static final int[] INITIAL = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
  };

  /** Version byte, 8 words of state, the byte count, then the bytes of an unfinished block. */
  private static final byte FORMAT = 1;

  private final int[] h;
  private final int[] w = new int[64];
  private final byte[] block = new byte[64];
  private int inBlock;
  private long count;

  Sha256() {
    this.h = INITIAL.clone();
  }

  /** How many bytes were hashed so far. */
  long count() {
    return count;
  }

  void update(byte[] bytes, int offset, int length) {
    int i = offset;
    int end = offset + length;
    if (inBlock > 0) {
      int n = Math.min(64 - inBlock, length);
      System.arraycopy(bytes, i, block, inBlock, n);
      inBlock += n;
      i += n;
      if (inBlock == 64) {
        compress(block, 0);
        inBlock = 0;
      }
    }
    for (; end - i >= 64; i += 64) {
      compress(bytes, i);
    }
    if (i < end) {
      System.arraycopy(bytes, i, block, 0, end - i);
      inBlock = end - i;
    }
    count += length;
  }

  /** The state so far, to take up again with {@link #resumed}; hashing may go on meanwhile. */
  byte[] state() {
    ByteBuffer b = ByteBuffer.allocate(1 + 32 + 8 + inBlock);
    b.put(FORMAT);
    for (int x : h) {
      b.putInt(x);
    }
    b.putLong(count);
    b.put(block, 0, inBlock);
    return b.array();
  }

  /** The hash taken up where {@link #state} was saved; IllegalArgumentException if not one. */
  static Sha256 resumed(byte[] state) {
    if (state.length < 41 || state.length >= 41 + 64 || state[0] != FORMAT) {
      throw new IllegalArgumentException("not a saved SHA-256 state");
    }
    ByteBuffer b = ByteBuffer.wrap(state, 1, state.length - 1);
    Sha256 s = new Sha256();
    for (int i = 0; i < 8; i++) {
      s.h[i] = b.getInt();
    }
    s.count = b.getLong();
    s.inBlock = b.remaining();
    if (s.count < 0 || s.count % 64 != s.inBlock) {
      throw new IllegalArgumentException("not a saved SHA-256 state");
    }
    b.get(s.block, 0, s.inBlock);
    return s;
  }

  /** Ends the hash: the SHA-256 of every byte given, in lowercase hex. Use no further. */
  String hex() {
    long bits = count << 3;
    byte[] pad = new byte[(inBlock < 56 ? 56 : 120) - inBlock + 8];
    pad[0] = (byte) 0x80;
    ByteBuffer.wrap(pad, pad.length - 8, 8).putLong(bits);
    update(pad, 0, pad.length);
    ByteBuffer out = ByteBuffer.allocate(32);
    for (int x : h) {
      out.putInt(x);
    }
    Arrays.fill(h, 0);
    return HexFormat.of().formatHex(out.array());
  }

  private void compress(byte[] in, int at) {
    int[] w = this.w;
    for (int t = 0; t < 16; t++) {
      int p = at + 4 * t;
      w[t] =
          (in[p] << 24)
              | ((in[p + 1] & 0xff) << 16)
              | ((in[p + 2] & 0xff) << 8)
              | (in[p + 3] & 0xff);
    }
    for (int t = 16; t < 64; t++) {
      int x = w[t - 15];
      int y = w[t - 2];
      w[t] =
          w[t - 16]
              + (Integer.rotateRight(x, 7) ^ Integer.rotateRight(x, 18) ^ (x >>> 3))
              + w[t - 7]
              + (Integer.rotateRight(y, 17) ^ Integer.rotateRight(y, 19) ^ (y >>> 10));
    }
    int a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    // eight rounds at a time, the names taking each other's roles instead of the values moving
    for (int t = 0; t < 64; t += 8) {
      hh +=
          (Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25))
              + (g ^ (e & (f ^ g)))
              + K[t + 0]
              + w[t + 0];
      d += hh;
      hh +=
          (Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22))
              + ((a & b) | (c & (a | b)));
      g +=
          (Integer.rotateRight(d, 6) ^ Integer.rotateRight(d, 11) ^ Integer.rotateRight(d, 25))
              + (f ^ (d & (e ^ f)))
              + K[t + 1]
              + w[t + 1];
      c += g;
      g +=
          (Integer.rotateRight(hh, 2) ^ Integer.rotateRight(hh, 13) ^ Integer.rotateRight(hh, 22))
              + ((hh & a) | (b & (hh | a)));
      f +=
          (Integer.rotateRight(c, 6) ^ Integer.rotateRight(c, 11) ^ Integer.rotateRight(c, 25))
              + (e ^ (c & (d ^ e)))
              + K[t + 2]
              + w[t + 2];
      b += f;
      f +=
          (Integer.rotateRight(g, 2) ^ Integer.rotateRight(g, 13) ^ Integer.rotateRight(g, 22))
              + ((g & hh) | (a & (g | hh)));
      e +=
          (Integer.rotateRight(b, 6) ^ Integer.rotateRight(b, 11) ^ Integer.rotateRight(b, 25))
              + (d ^ (b & (c ^ d)))
              + K[t + 3]
              + w[t + 3];
      a += e;
      e +=
          (Integer.rotateRight(f, 2) ^ Integer.rotateRight(f, 13) ^ Integer.rotateRight(f, 22))
              + ((f & g) | (hh & (f | g)));
      d +=
          (Integer.rotateRight(a, 6) ^ Integer.rotateRight(a, 11) ^ Integer.rotateRight(a, 25))
              + (c ^ (a & (b ^ c)))
              + K[t + 4]
              + w[t + 4];
      hh += d;
      d +=
          (Integer.rotateRight(e, 2) ^ Integer.rotateRight(e, 13) ^ Integer.rotateRight(e, 22))
              + ((e & f) | (g & (e | f)));
      c +=
          (Integer.rotateRight(hh, 6) ^ Integer.rotateRight(hh, 11) ^ Integer.rotateRight(hh, 25))
              + (b ^ (hh & (a ^ b)))
              + K[t + 5]
              + w[t + 5];
      g += c;
      c +=
          (Integer.rotateRight(d, 2) ^ Integer.rotateRight(d, 13) ^ Integer.rotateRight(d, 22))
              + ((d & e) | (f & (d | e)));
      b +=
          (Integer.rotateRight(g, 6) ^ Integer.rotateRight(g, 11) ^ Integer.rotateRight(g, 25))
              + (a ^ (g & (hh ^ a)))
              + K[t + 6]
              + w[t + 6];
      f += b;
      b +=
          (Integer.rotateRight(c, 2) ^ Integer.rotateRight(c, 13) ^ Integer.rotateRight(c, 22))
              + ((c & d) | (e & (c | d)));
      a +=
          (Integer.rotateRight(f, 6) ^ Integer.rotateRight(f, 11) ^ Integer.rotateRight(f, 25))
              + (hh ^ (f & (g ^ hh)))
              + K[t + 7]
              + w[t + 7];
      e += a;
      a +=
          (Integer.rotateRight(b, 2) ^ Integer.rotateRight(b, 13) ^ Integer.rotateRight(b, 22))
              + ((b & c) | (d & (b | c)));
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
}
