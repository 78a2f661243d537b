package io.labrun.core.secret;

import io.labrun.core.config.ComputeTargetSpec;

/**
 * Port: the password a compute target logs in with, asked for only while logging in. On a person's
 * machine it is the project file's own value, decrypted with their key; a server uses the passwords
 * its operator stored for each login ({@link ServerPasswords}).
 */
public interface TargetPasswords {
  /**
   * The clear password for {@code spec}; the caller wipes it after use. Fails with a one-line
   * message when there is none.
   */
  char[] password(ComputeTargetSpec spec);

  /**
   * Whether {@link #password} will give one, and if not, the one-line reason; null when it will.
   */
  default String missing(ComputeTargetSpec spec) {
    return null;
  }

  /** The project file's encrypted password, decrypted with {@code box}'s key. */
  static TargetPasswords of(SecretBox box) {
    return spec -> box.decrypt(spec.password(), "the password of compute target " + spec.name());
  }
}
