package io.labrun.ssh;

import java.nio.file.Path;

/** Asks the person at the terminal for the passphrase of a private key file, without echo. */
@FunctionalInterface
public interface PassphrasePrompt {
  /** The passphrase of {@code keyFile}, or null when none was given; the caller wipes it. */
  char[] passphrase(Path keyFile);
}
