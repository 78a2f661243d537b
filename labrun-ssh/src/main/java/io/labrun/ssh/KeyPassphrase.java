package io.labrun.ssh;

import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where the passphrase of an encrypted key file comes from when the ssh-agent does not hold the
 * key: the file named by {@code LABRUN_SSH_KEY_PASSPHRASE_FILE} (for scripts; it must be private to
 * its owner, as the key is), else the person at the terminal, asked once per labrun command. It is
 * kept only in memory, for the rest of the command, and never printed or logged.
 */
final class KeyPassphrase implements Supplier<char[]> {
  static final String FILE_VARIABLE = "LABRUN_SSH_KEY_PASSPHRASE_FILE";
  private final Path keyFile;
  private final Map<String, String> env;
  private final PassphrasePrompt prompt;
  private char[] remembered;

  KeyPassphrase(Path keyFile, Map<String, String> env, PassphrasePrompt prompt) {
    this.keyFile = keyFile;
    this.env = env;
    this.prompt = prompt;
  }

  @Override
  public synchronized char[] get() {
    if (remembered == null) {
      remembered = fromFile();
      if (remembered == null && prompt != null) {
        remembered = prompt.passphrase(keyFile);
      }
      if (remembered == null) {
        return null;
      }
    }
    return remembered.clone();
  }

  private char[] fromFile() {
    String name = env.get(FILE_VARIABLE);
    if (name == null || name.isBlank()) {
      return null;
    }
    Path file = Path.of(name.strip());
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.stream()
          .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        throw LabrunException.badInput(
            FILE_VARIABLE
                + " names "
                + file
                + ", which other users can read; run chmod 600 "
                + file);
      }
      byte[] bytes = Files.readAllBytes(file);
      int end = bytes.length;
      while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
        end--;
      }
      CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes, 0, end));
      char[] pw = Arrays.copyOf(chars.array(), chars.limit());
      Arrays.fill(chars.array(), '\0');
      Arrays.fill(bytes, (byte) 0);
      return pw;
    } catch (IOException e) {
      throw LabrunException.badInput(
          "cannot read " + file + " (" + FILE_VARIABLE + "): " + e.getMessage());
    }
  }

  /** Forgets the passphrase (the command is over). */
  synchronized void forget() {
    if (remembered != null) {
      Arrays.fill(remembered, '\0');
      remembered = null;
    }
  }
}
