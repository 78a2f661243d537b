package io.labrun.cli;

import io.labrun.ssh.HostKeyPolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Asks the person at the terminal whether to trust a host key seen for the first time. */
final class HostKeyQuestion implements HostKeyPolicy.HostKeyPrompt {
  private final CliContext ctx;

  HostKeyQuestion(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public boolean trust(String where, String keyType, String fingerprint) {
    ctx.err()
        .println(
            "The host key of " + where + " is not known yet: " + keyType + " " + fingerprint + ".");
    ctx.err()
        .print(
            "Check it with the host's administrator (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub"
                + " there). Trust it? [y/N] ");
    ctx.err().flush();
    try {
      String answer =
          new BufferedReader(new InputStreamReader(ctx.stdin(), StandardCharsets.UTF_8)).readLine();
      return answer != null
          && (answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"));
    } catch (IOException e) {
      return false;
    }
  }
}
