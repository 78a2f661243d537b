package io.labrun.ssh;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * One SSH session against an in-process server on the loopback interface: a key login, a command,
 * SFTP. {@code labrun internal warmup} runs it so that the class-data-sharing archive {@code
 * bin/labrun} records holds the SSH classes too, and a remote submit does not load them from the
 * jar one by one (about a quarter of a second on a small machine).
 */
public final class SshWarmup {
  private SshWarmup() {}

  public static void run(Path tmp) throws Exception {
    KeyPair hostKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    KeyPair userKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    Path keyFile = tmp.resolve("warmup_ed25519");
    try (OutputStream out = Files.newOutputStream(keyFile)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(userKey, "warmup", null, out);
    }
    SshServer server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator(
        (user, key, session) -> KeyUtils.compareKeys(key, userKey.getPublic()));
    server.setCommandFactory(ProcessShellCommandFactory.INSTANCE);
    server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
    server.start();
    try {
      SshSettings settings =
          new SshSettings(
              "warmup",
              "127.0.0.1",
              server.getPort(),
              System.getProperty("user.name"),
              keyFile,
              null,
              tmp,
              tmp.resolve("known_hosts"),
              HostKeyPolicy.strict(null).withAcceptNew(true),
              Duration.ofSeconds(10),
              Duration.ofSeconds(10));
      try (SshConnection c = SshConnection.open(settings)) {
        c.run(List.of("true"), null, Duration.ofSeconds(10));
        RemoteFiles f = c.files();
        String dir = tmp.resolve("sftp").toString();
        f.mkdirs(dir);
        f.write(dir + "/x", new byte[] {1});
        f.read(dir + "/x", 0, 10);
        f.readAll(dir + "/y");
        f.download(dir, tmp.resolve("down"));
      }
    } finally {
      server.stop(true);
    }
  }
}
