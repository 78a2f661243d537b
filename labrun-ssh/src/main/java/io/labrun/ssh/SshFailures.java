package io.labrun.ssh;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeoutException;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.common.config.keys.KeyUtils;

/** Turns what went wrong while connecting into one line that says what to do. */
final class SshFailures {
  private SshFailures() {}

  static LabrunException hostKey(SshSettings s, HostKeyCheck check) {
    String why =
        check.refusal() == null
            ? "the host closed the connection during the key exchange"
            : check.refusal();
    if (check.refusedAsUnknown()) {
      String fp = check.seen() == null ? "SHA256:..." : KeyUtils.getFingerPrint(check.seen());
      why =
          why
              + "; if it is the host's key, accept it with 'labrun computetarget attach --name "
              + name(s)
              + " ... --accept-new-host-key' or '--host-key-fingerprint "
              + fp
              + "', or set hostKeyFingerprint: "
              + fp
              + " in aml_config/"
              + name(s)
              + ".compute";
    }
    return new LabrunException(ExitCode.TARGET_UNAVAILABLE, why);
  }

  static LabrunException connect(SshSettings s, HostConfigEntry entry, Throwable e) {
    String where =
        entry.getPort() == 22 ? entry.getHostName() : entry.getHostName() + ":" + entry.getPort();
    String target = s.target() == null ? "" : " (target " + s.target() + ")";
    Throwable root = root(e);
    String msg;
    if (root instanceof ConnectException
        && String.valueOf(root.getMessage()).toLowerCase().contains("refused")) {
      msg =
          "cannot connect to "
              + where
              + target
              + ": connection refused (no SSH server listens on port "
              + entry.getPort()
              + " there)";
    } else if (root instanceof NoRouteToHostException
        || String.valueOf(root.getMessage()).contains("unreachable")) {
      msg =
          "cannot reach "
              + where
              + target
              + ": host unreachable (check the address and your network)";
    } else if (root instanceof UnknownHostException || root instanceof UnresolvedAddressException) {
      msg =
          "cannot resolve the host name "
              + entry.getHostName()
              + target
              + "; check the address in the target's .compute file";
    } else if (isTimeout(e)) {
      msg =
          "no answer from "
              + where
              + target
              + " within "
              + s.connectTimeout().toSeconds()
              + " s (the host is down, or a firewall drops the connection)";
    } else if (isAuth(e)) {
      msg = authFailure(s, entry, where, target);
    } else {
      msg = "cannot connect to " + where + target + ": " + reason(e);
    }
    return new LabrunException(ExitCode.TARGET_UNAVAILABLE, msg, e);
  }

  private static String authFailure(
      SshSettings s, HostConfigEntry entry, String where, String target) {
    String user = entry.getUsername();
    if (s.password() != null) {
      return "login to "
          + where
          + target
          + " as "
          + user
          + " refused: wrong password, or password logins are off there;"
          + " attach the target again with --password-stdin";
    }
    if (s.keyFile() != null) {
      return "login to "
          + where
          + target
          + " as "
          + user
          + " refused: the key "
          + s.keyFile()
          + " was not accepted"
          + " (is its public key in ~"
          + user
          + "/.ssh/authorized_keys there?)";
    }
    return "login to "
        + where
        + target
        + " as "
        + user
        + " refused: none of your keys ("
        + (s.agent() == null ? "" : "your ssh-agent's, ")
        + "~/.ssh/id_*, or the IdentityFile of ~/.ssh/config) was accepted; attach the target with"
        + " --ssh-key FILE or --password-stdin";
  }

  private static boolean isAuth(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage()).toLowerCase();
      if (m.contains("no more authentication methods")
          || m.contains("authentication failed")
          || m.contains("auth fail")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage()).toLowerCase();
      if (t instanceof TimeoutException
          || t instanceof SocketTimeoutException
          || t instanceof InterruptedByTimeoutException
          || m.contains("timeout")
          || m.contains("timed out")) {
        return true;
      }
    }
    return false;
  }

  static Throwable root(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** The innermost message, on one line. */
  static String reason(Throwable e) {
    Throwable r = root(e);
    String m = r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
    return m.replace('\n', ' ').replace("\r", "").strip();
  }

  private static String name(SshSettings s) {
    return s.target() == null ? "NAME" : s.target();
  }
}
