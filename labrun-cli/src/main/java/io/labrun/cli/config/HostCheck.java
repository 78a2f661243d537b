package io.labrun.cli.config;

import io.labrun.cli.CliContext;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.ssh.HostKeyPolicy;
import io.labrun.ssh.SshConnection;
import io.labrun.ssh.SshSettings;
import java.io.IOException;

/**
 * The connection {@code computetarget attach} makes once to a new SSH target: it shows the host
 * key's fingerprint, pins it in the {@code .compute} file and checks the login, so a mistake shows
 * now rather than at the first submit. A newly trusted key is recorded in labrun's known hosts only
 * by {@link Checked#recordHostKey()}, which the attach calls once everything else succeeded.
 */
final class HostCheck {
  private HostCheck() {}

  /** The target as checked (its key pinned), and the connection that saw the key. */
  record Checked(ComputeTargetSpec spec, SshConnection connection) {
    void recordHostKey() throws IOException {
      connection.recordNewHostKey();
    }
  }

  static Checked connect(
      CliContext ctx, ComputeTargetSpec spec, boolean acceptNew, boolean keyJustMade) {
    HostKeyPolicy policy =
        HostKeyPolicy.strict(spec.hostKeyFingerprint())
            .withAcceptNew(acceptNew)
            .withPrompt(ctx.interactive() ? ctx.wiring().hostSessions().prompt() : null)
            .withRecordLater();
    SshSettings settings = ctx.wiring().hostSessions().settings(spec, policy);
    SshConnection connection;
    try {
      // with a key just made, the host does not know it yet: check the host key only
      connection =
          keyJustMade ? SshConnection.openWithoutLogin(settings) : SshConnection.open(settings);
      connection.close();
    } catch (LabrunException e) {
      if (e.exitCode() != ExitCode.TARGET_UNAVAILABLE) {
        throw e;
      }
      throw new LabrunException(
          e.exitCode(),
          e.getMessage()
              + " (nothing written; to attach a host that is down now, add --no-connect)",
          e);
    }
    String fingerprint = connection.hostKeyFingerprint();
    ctx.out()
        .println(
            "Host key of "
                + settings.where()
                + ": "
                + fingerprint
                + (keyJustMade ? "" : "; logged in as " + spec.username())
                + ".");
    return new Checked(spec.withHostKeyFingerprint(fingerprint), connection);
  }
}
