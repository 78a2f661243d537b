package io.labrun.core.secret;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.home.Folders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Passwords a server uses for compute targets that log in with one. A project's own {@code
 * password} was encrypted with the key of the machine where {@code computetarget attach} ran, which
 * the server does not have (and must not: keys stay with their owner). So the server's operator
 * stores each password once, for a login ({@code user@host:port}), encrypted with the server's own
 * key ({@code labrun server secret set LOGIN --password-stdin}), in {@code CONFIG/server-secrets}
 * (mode 0600, one {@code login<TAB>enc:v1:...} per line). A target gets a password only for exactly
 * its login, so a project cannot point a stored password at another host or user. A project value
 * the server's key happens to open (attached on the server host) works too.
 */
public final class ServerPasswords implements TargetPasswords {
  public static final String FILE = "server-secrets";
  private static final Pattern LOGIN = Pattern.compile("([^@\\s:]+)@([^@\\s:/]+)(?::(\\d{1,5}))?");
  private final Path file;
  private final SecretBox box;

  public ServerPasswords(Path configDir, SecretBox box) {
    this.file = configDir.resolve(FILE);
    this.box = box;
  }

  /**
   * {@code user@host[:port]} in its one written form ({@code user@host:port}, host in lower case);
   * bad input otherwise.
   */
  public static String login(String text) {
    Matcher m = LOGIN.matcher(text == null ? "" : text.strip());
    if (!m.matches() || (m.group(3) != null && Integer.parseInt(m.group(3)) > 65535)) {
      throw LabrunException.badInput(
          "'"
              + text
              + "' is not a login; write it USER@HOST or USER@HOST:PORT, as the target's .compute"
              + " file has them");
    }
    return m.group(1)
        + "@"
        + m.group(2).toLowerCase(Locale.ROOT)
        + ":"
        + (m.group(3) == null ? 22 : Integer.parseInt(m.group(3)));
  }

  /** The login a target uses, from its {@code address}, {@code port} and {@code username}. */
  public static String login(ComputeTargetSpec spec) {
    return login(
        spec.username() + "@" + spec.address() + (spec.port() == null ? "" : ":" + spec.port()));
  }

  @Override
  public char[] password(ComputeTargetSpec spec) {
    String sealed = read().get(login(spec));
    if (sealed != null) {
      return box.decrypt(sealed, "the server's password for " + login(spec));
    }
    if (opens(spec)) {
      return box.decrypt(spec.password(), "the password of compute target " + spec.name());
    }
    throw LabrunException.badInput(missing(spec));
  }

  @Override
  public String missing(ComputeTargetSpec spec) {
    if (!spec.hasPassword() || read().containsKey(login(spec)) || opens(spec)) {
      return null;
    }
    return "compute target "
        + spec.name()
        + " logs in to "
        + login(spec)
        + " with a password this server does not have;"
        + " on the server host run 'labrun server secret set "
        + login(spec)
        + " --password-stdin'";
  }

  private boolean opens(ComputeTargetSpec spec) {
    try {
      Arrays.fill(
          box.decrypt(spec.password(), "the password of compute target " + spec.name()), '\0');
      return true;
    } catch (LabrunException sealedForSomeoneElse) {
      return false;
    }
  }

  /**
   * Stores {@code password} for {@code login}, encrypted with this machine's key, replacing an
   * older one.
   */
  public void set(String login, char[] password) {
    Map<String, String> all = read();
    all.put(login(login), box.encrypt(password));
    write(all);
  }

  /** Forgets the password of {@code login}; false if none was stored. */
  public boolean remove(String login) {
    Map<String, String> all = read();
    boolean had = all.remove(login(login)) != null;
    if (had) {
      write(all);
    }
    return had;
  }

  /** The logins that have a password, sorted (never the passwords). */
  public Set<String> logins() {
    return read().keySet();
  }

  private Map<String, String> read() {
    Map<String, String> out = new TreeMap<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int tab = line.indexOf('\t');
        if (tab > 0 && SecretBox.isEncrypted(line.substring(tab + 1))) {
          out.put(line.substring(0, tab), line.substring(tab + 1));
        }
      }
      return out;
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "cannot read the server's passwords in " + file + ": " + e.getMessage(),
          e);
    }
  }

  private void write(Map<String, String> all) {
    StringBuilder b = new StringBuilder();
    all.forEach((login, encrypted) -> b.append(login).append('\t').append(encrypted).append('\n'));
    try {
      Folders.createPrivate(file.getParent());
      Path tmp =
          Files.createTempFile(
              file.getParent(),
              ".server-secrets-",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, b, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "cannot write the server's passwords in " + file + ": " + e.getMessage(),
          e);
    }
  }
}
