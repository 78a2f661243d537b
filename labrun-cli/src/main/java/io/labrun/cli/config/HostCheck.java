package io.labrun.cli.config;

import io.labrun.cli.CliContext;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.ssh.HostKeyPolicy;
import io.labrun.ssh.SshConnection;
import io.labrun.ssh.SshSettings;

/**
 * The connection {@code computetarget attach} makes once to a new SSH target: it shows the host
 * key's fingerprint, records a newly trusted key, pins it in the {@code .compute} file and checks
 * the login, so a mistake shows now rather than at the first submit.
 */
final class HostCheck {
  private HostCheck() {}

  static ComputeTargetSpec connect(CliContext ctx, ComputeTargetSpec spec, boolean acceptNew, boolean keyJustMade) {
    HostKeyPolicy policy = HostKeyPolicy.strict(spec.hostKeyFingerprint()).withAcceptNew(acceptNew)
        .withPrompt(ctx.interactive() ? ctx.wiring().sshTargets().prompt() : null);
    SshSettings settings = ctx.wiring().sshTargets().settings(spec, policy);
    String fingerprint;
    try {
      if (keyJustMade) {
        fingerprint = SshConnection.checkHostKey(settings); // the host does not know the new key yet
      } else {
        try (SshConnection c = SshConnection.open(settings)) {
          fingerprint = c.hostKeyFingerprint();
        }
      }
    } catch (LabrunException e) {
      if (e.exitCode() != ExitCode.TARGET_UNAVAILABLE) {
        throw e;
      }
      throw new LabrunException(e.exitCode(), e.getMessage() + " (nothing written; to attach a host that is down now, add --no-connect)", e);
    }
    ctx.out().println("Host key of " + settings.where() + ": " + fingerprint + (keyJustMade ? "" : "; logged in as " + spec.username()) + ".");
    return spec.withHostKeyFingerprint(fingerprint);
  }
}
