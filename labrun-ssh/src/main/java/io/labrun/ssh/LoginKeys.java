package io.labrun.ssh;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The keys one login offers, decided before connecting: a private key file (decrypted with its
 * passphrase when it has one), and/or the keys of a running {@code ssh-agent}. The agent is
 * preferred for a key it holds, so that its passphrase is never asked; a key file that is only the
 * public half is signed with by the agent.
 *
 * @param keys private keys held here for the login
 * @param agent the agent and key to use, or null
 */
record LoginKeys(List<KeyPair> keys, UnixAgent.Use agent) {
  private static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

  /** The keys to offer for {@code s}; {@code useDefaults} when no key was named anywhere. */
  static LoginKeys of(SshSettings s, boolean useDefaults) {
    if (s.password() != null) {
      return new LoginKeys(List.of(), null); // a password login offers no keys
    }
    List<PublicKey> agentKeys = agentKeys(s);
    if (s.keyFile() != null) {
      return ofFile(s, s.keyFile(), agentKeys);
    }
    List<KeyPair> keys = new ArrayList<>();
    if (useDefaults && s.userHome() != null) {
      for (String name : DEFAULT_KEYS) {
        Path k = s.userHome().resolve(".ssh").resolve(name);
        if (Files.isReadable(k)) {
          keys.addAll(
              load(k, null, true)); // an encrypted default key is skipped: the agent may hold it
        }
      }
    }
    return new LoginKeys(keys, agentKeys == null ? null : new UnixAgent.Use(s.agent(), null));
  }

  private static LoginKeys ofFile(SshSettings s, Path file, List<PublicKey> agentKeys) {
    String text = read(file);
    PublicKey pub = publicKey(text);
    if (pub != null) {
      if (holds(agentKeys, pub)) {
        return new LoginKeys(List.of(), new UnixAgent.Use(s.agent(), pub));
      }
      throw new LabrunException(
          ExitCode.BAD_INPUT,
          "the SSH key "
              + file
              + " is a public key: labrun signs with its private half in"
              + " your ssh-agent, but "
              + (agentKeys == null
                  ? "no agent is running (SSH_AUTH_SOCK is not set)"
                  : "the agent does not hold it")
              + "; run ssh-add with the private key, or attach the target with --ssh-key"
              + " PRIVATE_KEY_FILE");
    }
    PublicKey sibling = siblingPublicKey(file);
    if (sibling != null && holds(agentKeys, sibling)) {
      return new LoginKeys(
          List.of(), new UnixAgent.Use(s.agent(), sibling)); // the agent signs: no passphrase asked
    }
    boolean agentMayHoldIt = agentKeys != null && !agentKeys.isEmpty() && sibling == null;
    List<KeyPair> keys = load(file, s.keyPassphrase(), agentMayHoldIt);
    if (keys.isEmpty()) { // encrypted, no passphrase given, and the agent may hold it
      return new LoginKeys(List.of(), new UnixAgent.Use(s.agent(), null));
    }
    return new LoginKeys(keys, null);
  }

  /** The keys of the agent of {@code s}, or null when there is none (or it does not answer). */
  private static List<PublicKey> agentKeys(SshSettings s) {
    if (s.agent() == null) {
      return null;
    }
    try {
      return UnixAgent.keys(s.agent());
    } catch (IOException e) {
      return null; // a stale SSH_AUTH_SOCK: logins go on without the agent, as OpenSSH's do
    }
  }

  private static boolean holds(List<PublicKey> agentKeys, PublicKey key) {
    return agentKeys != null && agentKeys.stream().anyMatch(k -> KeyUtils.compareKeys(k, key));
  }

  /** The key of a one-line OpenSSH public key file, or null when {@code text} is not one. */
  private static PublicKey publicKey(String text) {
    String line = text.strip();
    if (line.isEmpty() || line.contains("\n") || line.startsWith("-----")) {
      return null;
    }
    try {
      return PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, null, null);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  private static PublicKey siblingPublicKey(Path file) {
    Path pub = file.resolveSibling(file.getFileName() + ".pub");
    try {
      return Files.isReadable(pub)
          ? publicKey(Files.readString(pub, StandardCharsets.UTF_8))
          : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new LabrunException(
          ExitCode.BAD_INPUT,
          "the SSH key " + file + " does not exist; attach the target again with --ssh-key FILE",
          e);
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.BAD_INPUT, "cannot read the SSH key " + file + ": " + SshFailures.reason(e), e);
    }
  }

  /**
   * Reads a private key file, decrypting it with {@code passphrase} when it is encrypted. An
   * encrypted file without a passphrase gives no key when {@code skipEncrypted}, else an error.
   */
  static List<KeyPair> load(Path file, Supplier<char[]> passphrase, boolean skipEncrypted) {
    Passphrase p = new Passphrase(passphrase);
    try (InputStream in = Files.newInputStream(file)) {
      Iterable<KeyPair> pairs =
          SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, p);
      if (pairs == null) {
        throw LabrunException.badInput("no private key in " + file);
      }
      List<KeyPair> keys = new ArrayList<>();
      pairs.forEach(keys::add);
      return keys;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof LabrunException l) {
        throw l;
      }
      if (p.missing) {
        if (skipEncrypted) {
          return List.of();
        }
        throw new LabrunException(
            ExitCode.TARGET_UNAVAILABLE,
            "the SSH key "
                + file
                + " is protected by a passphrase: add it to your"
                + " ssh-agent (ssh-add "
                + file
                + "), run the command at a terminal to be asked for it, or give it in the file"
                + " named by LABRUN_SSH_KEY_PASSPHRASE_FILE",
            e);
      }
      if (p.given) {
        throw new LabrunException(
            ExitCode.TARGET_UNAVAILABLE, "the passphrase for " + file + " is wrong", e);
      }
      if (e instanceof NoSuchFileException) {
        throw new LabrunException(
            ExitCode.BAD_INPUT,
            "the SSH key " + file + " does not exist; attach the target again with --ssh-key FILE",
            e);
      }
      throw new LabrunException(
          ExitCode.BAD_INPUT,
          "cannot read the SSH key "
              + file
              + " ("
              + SshFailures.reason(e)
              + "); labrun reads OpenSSH and PEM private keys",
          e);
    }
  }

  /** Gives MINA the passphrase once, and remembers whether one was needed and given. */
  private static final class Passphrase implements FilePasswordProvider {
    private final Supplier<char[]> source;
    boolean missing;
    boolean given;

    Passphrase(Supplier<char[]> source) {
      this.source = source;
    }

    @Override
    public String getPassword(SessionContext session, NamedResource resource, int retryIndex)
        throws IOException {
      char[] pw = source == null ? null : source.get();
      if (pw == null) {
        missing = true;
        throw new IOException("passphrase needed");
      }
      try {
        given = true;
        return new String(pw);
      } finally {
        Arrays.fill(pw, '\0');
      }
    }
  }
}
