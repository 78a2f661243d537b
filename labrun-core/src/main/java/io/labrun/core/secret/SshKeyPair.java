package io.labrun.core.secret;

import io.labrun.core.home.Folders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A fresh Ed25519 key pair in OpenSSH's own formats, made with the JDK alone: the private key as
 * {@code -----BEGIN OPENSSH PRIVATE KEY-----} (unencrypted, written mode 0600) and the public key
 * as the one line that goes into a host's {@code authorized_keys}.
 */
public final class SshKeyPair {
  private static final String TYPE = "ssh-ed25519";
  private final byte[] publicKey;
  private final byte[] seed;
  private final String comment;

  private SshKeyPair(byte[] publicKey, byte[] seed, String comment) {
    this.publicKey = publicKey;
    this.seed = seed;
    this.comment = comment;
  }

  public static SshKeyPair generate(String comment) {
    try {
      KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] x509 =
          kp.getPublic().getEncoded(); // SubjectPublicKeyInfo: the raw key is the last 32 bytes
      byte[] pkcs8 = kp.getPrivate().getEncoded(); // PKCS#8: the 32-byte seed is last
      return new SshKeyPair(
          Arrays.copyOfRange(x509, x509.length - 32, x509.length),
          Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length),
          comment);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this Java has no Ed25519", e);
    }
  }

  /** The {@code authorized_keys} line: {@code ssh-ed25519 AAAA... comment}. */
  public String publicKeyLine() {
    return TYPE + " " + Base64.getEncoder().encodeToString(publicBlob()) + " " + comment;
  }

  /** The private key file content in the {@code openssh-key-v1} format. */
  public String privateKeyPem() {
    Buf inner = new Buf();
    int check = new SecureRandom().nextInt();
    inner.u32(check).u32(check).str(TYPE).bytes(publicKey);
    byte[] both = new byte[64];
    System.arraycopy(seed, 0, both, 0, 32);
    System.arraycopy(publicKey, 0, both, 32, 32);
    inner.bytes(both).str(comment);
    for (int pad = 1; inner.size() % 8 != 0; pad++) {
      inner.raw(new byte[] {(byte) pad});
    }
    Buf outer = new Buf();
    outer.raw("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII));
    outer
        .str("none")
        .str("none")
        .bytes(new byte[0])
        .u32(1)
        .bytes(publicBlob())
        .bytes(inner.toByteArray());
    String b64 =
        Base64.getMimeEncoder(70, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(outer.toByteArray());
    return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + b64 + "\n-----END OPENSSH PRIVATE KEY-----\n";
  }

  /** Writes {@code file} (mode 0600) and {@code file.pub}; refuses to overwrite a key. */
  public void write(Path file) throws IOException {
    Folders.createPrivate(file.getParent());
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, privateKeyPem());
    Files.writeString(file.resolveSibling(file.getFileName() + ".pub"), publicKeyLine() + "\n");
  }

  private byte[] publicBlob() {
    return new Buf().str(TYPE).bytes(publicKey).toByteArray();
  }

  /** SSH wire encoding: big-endian uint32 and length-prefixed strings. */
  private static final class Buf extends ByteArrayOutputStream {
    Buf u32(int v) {
      write(v >>> 24);
      write(v >>> 16);
      write(v >>> 8);
      write(v);
      return this;
    }

    Buf bytes(byte[] b) {
      u32(b.length);
      return raw(b);
    }

    Buf str(String s) {
      return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    Buf raw(byte[] b) {
      write(b, 0, b.length);
      return this;
    }
  }
}
