package io.labrun.ssh;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Judges the key one host shows while the connection is set up: a pinned fingerprint must match,
 * known keys pass, a changed or revoked key never does, and a new one passes only as {@link
 * HostKeyPolicy} allows; an accepted new key is recorded in labrun's known hosts (at once, or when
 * the caller says so). A refusal is kept as a message for the error.
 */
final class HostKeyCheck implements ServerKeyVerifier {
  private final SshSettings settings;
  private final String host;
  private final int port;
  private final KnownHosts known;
  private volatile PublicKey seen;
  private volatile String refusal;
  private volatile PublicKey unrecorded;

  HostKeyCheck(SshSettings settings, String host, int port) {
    this.settings = settings;
    this.host = host;
    this.port = port;
    List<Path> files = new ArrayList<>();
    if (settings.knownHosts() != null) {
      files.add(settings.knownHosts());
    }
    if (settings.userHome() != null) {
      files.add(settings.userHome().resolve(".ssh/known_hosts"));
    }
    this.known = new KnownHosts(files);
  }

  @Override
  public boolean verifyServerKey(
      ClientSession session, SocketAddress remoteAddress, PublicKey key) {
    seen = key;
    String fp = KeyUtils.getFingerPrint(key);
    String type = KeyUtils.getKeyType(key);
    String where = port == 22 ? host : host + ":" + port;
    String expected = expected();
    KnownHosts.Finding f = known.check(host, port, key);
    if (f.verdict() == KnownHosts.Verdict.REVOKED) {
      refusal =
          "the host key of "
              + where
              + " ("
              + fp
              + ") is marked @revoked in "
              + f.file()
              + " line "
              + f.line()
              + "; refusing to connect";
      return false;
    }
    if (expected != null && !expected.equals(fp)) {
      // a pinned fingerprint is checked whatever the known hosts files say
      refusal =
          "the host key of "
              + where
              + " is "
              + type
              + " "
              + fp
              + ", not the expected "
              + expected
              + "; refusing to connect";
      return false;
    }
    switch (f.verdict()) {
      case KNOWN:
        return true;
      case CHANGED:
        refusal =
            "the host key of "
                + where
                + " has CHANGED: it is now "
                + type
                + " "
                + fp
                + ", but "
                + f.file()
                + " line "
                + f.line()
                + " lists another one (someone may be intercepting the connection, or the host was"
                + " reinstalled); if you have checked the new fingerprint, remove the old key with:"
                + " ssh-keygen -R '"
                + pattern()
                + "' -f "
                + f.file()
                + " and connect again with --host-key-fingerprint "
                + fp;
        return false;
      default:
        return acceptNew(where, type, fp, key, expected != null);
    }
  }

  private boolean acceptNew(String where, String type, String fp, PublicKey key, boolean pinned) {
    HostKeyPolicy policy = settings.hostKeys();
    if (!pinned && !policy.acceptNew()) {
      if (policy.prompt() == null) {
        refusal = "the host key of " + where + " (" + type + " " + fp + ") is not known yet";
        return false;
      }
      if (!policy.prompt().trust(where, type, fp)) {
        refusal = "the host key of " + where + " (" + type + " " + fp + ") was not trusted";
        return false;
      }
    }
    if (policy.recordLater()) {
      unrecorded = key;
      return true;
    }
    try {
      record(key);
    } catch (IOException e) {
      refusal =
          "cannot record the host key of "
              + where
              + " in "
              + settings.knownHosts()
              + ": "
              + e.getMessage();
      return false;
    }
    return true;
  }

  /** Appends a newly accepted key to labrun's known hosts file (when there is one). */
  void record(PublicKey key) throws IOException {
    if (settings.knownHosts() != null) {
      KnownHosts.record(settings.knownHosts(), host, port, key);
    }
  }

  /** The new key accepted but, as the policy asked, not recorded yet; or null. */
  PublicKey unrecorded() {
    return unrecorded;
  }

  private String expected() {
    String pinned = settings.hostKeys().expectedFingerprint();
    return pinned == null ? null : normalize(pinned);
  }

  /**
   * Whether {@code key}, verified when a connection was opened, would pass again now without asking
   * anyone: listed in a known hosts file, or the one the policy pins. A connection kept open for
   * reuse is reused only then, so that a key removed or changed in the meantime is judged again by
   * a new connection.
   */
  boolean stillTrusted(PublicKey key) {
    KnownHosts.Verdict v = known.check(host, port, key).verdict();
    String expected = expected();
    if (expected != null && !expected.equals(KeyUtils.getFingerPrint(key))) {
      return false;
    }
    return v == KnownHosts.Verdict.KNOWN || v == KnownHosts.Verdict.UNKNOWN && expected != null;
  }

  /** {@code SHA256:...}, accepting the digest without its prefix too. */
  static String normalize(String fingerprint) {
    String f = fingerprint.strip();
    return f.regionMatches(true, 0, "SHA256:", 0, 7) ? "SHA256:" + f.substring(7) : "SHA256:" + f;
  }

  private String pattern() {
    return port == 22 ? host : "[" + host + "]:" + port;
  }

  /** The key the host showed, once it did. */
  PublicKey seen() {
    return seen;
  }

  /** Why the key was refused, or null. */
  String refusal() {
    return refusal;
  }

  /** True when the refusal is for a key nobody has vouched for yet (not a changed one). */
  boolean refusedAsUnknown() {
    return refusal != null && refusal.endsWith("is not known yet");
  }
}
