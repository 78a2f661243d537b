package io.labrun.core.secret;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.home.Folders;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts passwords for project files with AES-256-GCM under a per-user key kept outside the
 * project ({@code ~/.config/labrun/secret.key}, mode 0600). A project file only ever holds {@code
 * enc:v1:<base64(iv || ciphertext || tag)>}; the clear text exists only in memory while connecting.
 */
public final class SecretBox {
  public static final String PREFIX = "enc:v1:";
  private static final byte[] AAD = "labrun-secret".getBytes(StandardCharsets.US_ASCII);
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Path keyFile;

  public SecretBox(Path keyFile) {
    this.keyFile = keyFile;
  }

  public static boolean isEncrypted(String value) {
    return value != null && value.startsWith(PREFIX);
  }

  /**
   * The original's attach wrote {@code password: AzureMlSecret=...}: a reference into its own
   * credential store, which labrun cannot read.
   */
  public static final String WORKBENCH_REFERENCE = "AzureMlSecret=";

  public static boolean isWorkbenchReference(String value) {
    return value != null && value.startsWith(WORKBENCH_REFERENCE);
  }

  public String encrypt(char[] clear) {
    byte[] plain = toBytes(clear);
    try {
      byte[] iv = new byte[12];
      RANDOM.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(key(true), "AES"), new GCMParameterSpec(128, iv));
      c.updateAAD(AAD);
      byte[] sealed = c.doFinal(plain);
      byte[] out = new byte[iv.length + sealed.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(sealed, 0, out, iv.length, sealed.length);
      return PREFIX + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new LabrunException(ExitCode.INTERNAL, "cannot encrypt: " + e.getMessage(), e);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /** Decrypts a value written by {@link #encrypt}; {@code what} names it in error messages. */
  public char[] decrypt(String sealedText, String what) {
    if (isWorkbenchReference(sealedText)) {
      throw LabrunException.badInput(
          what
              + " is an AzureMlSecret reference to Azure ML Workbench's credential store, which"
              + " labrun cannot read; attach the target again with 'labrun computetarget attach ..."
              + " --password-stdin'");
    }
    if (!isEncrypted(sealedText)) {
      throw LabrunException.badInput(
          what
              + " is not encrypted by labrun; store it again with 'labrun computetarget attach ..."
              + " --password-stdin'");
    }
    byte[] key = key(false);
    try {
      byte[] all = Base64.getDecoder().decode(sealedText.substring(PREFIX.length()));
      if (all.length < 12 + 16) {
        throw new GeneralSecurityException("too short");
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(128, all, 0, 12));
      c.updateAAD(AAD);
      byte[] plain = c.doFinal(all, 12, all.length - 12);
      char[] out = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(plain)).array();
      Arrays.fill(plain, (byte) 0);
      return Arrays.copyOf(out, countChars(out));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw LabrunException.badInput(
          "cannot decrypt "
              + what
              + ": it was encrypted with another key than "
              + keyFile
              + " (another user or machine); store it again with 'labrun computetarget attach ..."
              + " --password-stdin'");
    }
  }

  private static int countChars(char[] decoded) {
    int n = decoded.length;
    while (n > 0 && decoded[n - 1] == '\0') {
      n--;
    }
    return n;
  }

  private static byte[] toBytes(char[] clear) {
    ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(clear));
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private byte[] key(boolean create) {
    try {
      if (!Files.exists(keyFile)) {
        if (!create) {
          throw LabrunException.badInput(
              "cannot decrypt the stored password: the key file "
                  + keyFile
                  + " is missing; store the password again with 'labrun computetarget attach ..."
                  + " --password-stdin'");
        }
        Folders.createPrivate(keyFile.getParent());
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        Path tmp =
            keyFile.resolveSibling(
                keyFile.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(tmp, Base64.getEncoder().encodeToString(fresh) + "\n");
        try {
          Files.createLink(keyFile, tmp); // fails if another process made the key first
        } catch (FileAlreadyExistsException raced) {
          // keep theirs
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(keyFile);
      if (!OWNER_ONLY.containsAll(perms)) {
        throw LabrunException.badInput(
            "the key file " + keyFile + " can be read by others; run 'chmod 600 " + keyFile + "'");
      }
      byte[] key = Base64.getDecoder().decode(Files.readString(keyFile).trim());
      if (key.length != 32) {
        throw LabrunException.badInput(
            "the key file "
                + keyFile
                + " is damaged; remove it and store your target passwords again");
      }
      return key;
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE, "cannot use the key file " + keyFile + ": " + e.getMessage(), e);
    }
  }
}
