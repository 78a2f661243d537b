package io.labrun.ssh;

/**
 * What to do with a host key that no known hosts file lists yet. A key that differs from a listed
 * one is always refused, whatever this says: there is no "accept everything".
 *
 * @param expectedFingerprint {@code SHA256:...}: accept a new key exactly when it has this
 *     fingerprint (from {@code --host-key-fingerprint} or the target's {@code hostKeyFingerprint})
 * @param acceptNew accept any new key ({@code --accept-new-host-key}); it is recorded
 * @param prompt asks the person at the terminal, or null when nobody can be asked
 */
public record HostKeyPolicy(String expectedFingerprint, boolean acceptNew, HostKeyPrompt prompt) {

  /** Known keys only, or the one with this fingerprint. */
  public static HostKeyPolicy strict(String expectedFingerprint) {
    return new HostKeyPolicy(blankToNull(expectedFingerprint), false, null);
  }

  public HostKeyPolicy withPrompt(HostKeyPrompt p) {
    return new HostKeyPolicy(expectedFingerprint, acceptNew, p);
  }

  public HostKeyPolicy withAcceptNew(boolean v) {
    return new HostKeyPolicy(expectedFingerprint, v, prompt);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /** Asks a person whether to trust a host key seen for the first time. */
  @FunctionalInterface
  public interface HostKeyPrompt {
    /**
     * @param where {@code host} or {@code host:port}
     * @param keyType e.g. {@code ssh-ed25519}
     * @param fingerprint {@code SHA256:...}
     */
    boolean trust(String where, String keyType, String fingerprint);
  }
}
