package io.labrun.ssh;

/**
 * How to judge a host's key: a pinned fingerprint, and what to do with a key that no known hosts
 * file lists yet. A key that differs from a listed one is always refused, whatever this says: there
 * is no "accept everything".
 *
 * @param expectedFingerprint {@code SHA256:...} (from {@code --host-key-fingerprint} or the
 *     target's {@code hostKeyFingerprint}): the host's key must have it, whether a known hosts file
 *     lists the key or not, and a new key with it is accepted
 * @param acceptNew accept any new key ({@code --accept-new-host-key}); it is recorded
 * @param prompt asks the person at the terminal, or null when nobody can be asked
 * @param recordLater a new key accepted is not recorded while connecting but only when the caller
 *     says so ({@link SshConnection#recordNewHostKey()}): {@code attach} records it once the whole
 *     attach has succeeded, so a failed one (a wrong password) leaves the known hosts as they were
 */
public record HostKeyPolicy(
    String expectedFingerprint, boolean acceptNew, HostKeyPrompt prompt, boolean recordLater) {

  /** Known keys only, or the one with this fingerprint. */
  public static HostKeyPolicy strict(String expectedFingerprint) {
    return new HostKeyPolicy(blankToNull(expectedFingerprint), false, null, false);
  }

  public HostKeyPolicy withPrompt(HostKeyPrompt p) {
    return new HostKeyPolicy(expectedFingerprint, acceptNew, p, recordLater);
  }

  public HostKeyPolicy withAcceptNew(boolean v) {
    return new HostKeyPolicy(expectedFingerprint, v, prompt, recordLater);
  }

  public HostKeyPolicy withRecordLater() {
    return new HostKeyPolicy(expectedFingerprint, acceptNew, prompt, true);
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
