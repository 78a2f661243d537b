package io.labrun.cli;

import io.labrun.ssh.PassphrasePrompt;
import java.nio.file.Path;

/**
 * Asks the person at the terminal for a key file's passphrase, without echoing it: this process's
 * console, or the client's terminal when the command runs in the resident labrun.
 */
final class PassphraseQuestion implements PassphrasePrompt {
  private final CliContext ctx;

  PassphraseQuestion(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public char[] passphrase(Path keyFile) {
    char[] pw = ctx.askSecret("Enter passphrase for key " + keyFile + ": ");
    return pw == null || pw.length == 0 ? null : pw;
  }
}
