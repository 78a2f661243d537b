package io.labrun.cli;

import io.labrun.ssh.PassphrasePrompt;
import java.io.Console;
import java.nio.file.Path;

/** Asks the person at the terminal for a key file's passphrase, without echoing it. */
final class PassphraseQuestion implements PassphrasePrompt {
  private final Console console;

  private PassphraseQuestion(Console console) {
    this.console = console;
  }

  /** A question on this process's terminal, or null when it has none (no echo-less prompt then). */
  static PassphraseQuestion onTerminal() {
    Console c = System.console();
    return c == null ? null : new PassphraseQuestion(c);
  }

  @Override
  public char[] passphrase(Path keyFile) {
    char[] pw = console.readPassword("Enter passphrase for key %s: ", keyFile);
    return pw == null || pw.length == 0 ? null : pw;
  }
}
