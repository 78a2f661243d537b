package io.labrun.ssh;

import io.labrun.core.home.Folders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.config.hosts.KnownHostHashValue;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * OpenSSH known hosts files, read in order (labrun's own, then the user's {@code
 * ~/.ssh/known_hosts}); hashed host names and {@code [host]:port} entries are understood. New keys
 * are appended to labrun's file only: the user's file is never written.
 */
final class KnownHosts {
  /** What the files say about a host's key. */
  enum Verdict {
    KNOWN,
    UNKNOWN,
    CHANGED,
    REVOKED
  }

  /** A verdict and, for a changed key, the line that lists the old one. */
  record Finding(Verdict verdict, Path file, int line) {}

  private final List<Path> files;

  KnownHosts(List<Path> files) {
    this.files = List.copyOf(files);
  }

  Finding check(String host, int port, PublicKey key) {
    Finding changed = null;
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        continue;
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        continue; // an unreadable file vouches for nothing
      }
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        KnownHostEntry entry;
        PublicKey listed;
        try {
          entry = KnownHostEntry.parseKnownHostEntry(line);
          if (entry == null
              || !entry.isHostMatch(host, port)
              || "cert-authority".equals(entry.getMarker())) {
            continue;
          }
          listed =
              entry.getKeyEntry().resolvePublicKey(null, null, PublicKeyEntryResolver.IGNORING);
        } catch (RuntimeException | IOException | GeneralSecurityException e) {
          continue; // a line this library cannot read (another key type); OpenSSH skips those too
        }
        if (listed == null) {
          continue;
        }
        boolean same = KeyUtils.compareKeys(listed, key);
        if ("revoked".equals(entry.getMarker())) {
          if (same) {
            return new Finding(Verdict.REVOKED, file, i + 1);
          }
          continue;
        }
        if (same) {
          return new Finding(Verdict.KNOWN, file, i + 1);
        }
        if (changed == null && KeyUtils.getKeyType(listed).equals(KeyUtils.getKeyType(key))) {
          changed = new Finding(Verdict.CHANGED, file, i + 1);
        }
      }
    }
    return changed != null ? changed : new Finding(Verdict.UNKNOWN, null, 0);
  }

  /** Appends {@code [host]:port type base64} to {@code file} (mode 0600, created if missing). */
  static void record(Path file, String host, int port, PublicKey key) throws IOException {
    Folders.createPrivate(file.getParent()); // labrun's config folder: its user's alone
    if (!Files.exists(file)) {
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      } catch (FileAlreadyExistsException e) {
        // made by another labrun just now
      }
    }
    String line =
        KnownHostHashValue.createHostPattern(host, port)
            + " "
            + PublicKeyEntry.toString(key)
            + "\n";
    Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  List<Path> files() {
    return new ArrayList<>(files);
  }
}
