package io.labrun.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Files on a host over one SFTP channel of a {@link SshConnection}: how {@link RemoteFiles} moves
 * them while labrun's runner is not up on the connection (or is busy). Paths are as SFTP takes
 * them: relative ones start in the user's home.
 */
final class SftpFiles implements AutoCloseable {
  private final SftpClient sftp;
  private final String where;

  SftpFiles(ClientSession session, String where) throws IOException {
    this.sftp = SftpClientFactory.instance().createSftpClient(session);
    this.where = where;
  }

  /** The user's home folder on the host, absolute. */
  String home() throws IOException {
    return sftp.canonicalPath(".");
  }

  /**
   * Up to {@code max} bytes from {@code offset}; empty at the end or when the file does not exist.
   */
  byte[] read(String path, long offset, int max) throws IOException {
    try (SftpClient.CloseableHandle h = sftp.open(path, SftpClient.OpenMode.Read)) {
      byte[] buf = new byte[max];
      int n = 0;
      while (n < max) {
        int r = sftp.read(h, offset + n, buf, n, max - n);
        if (r <= 0) {
          break;
        }
        n += r;
      }
      return n == max ? buf : Arrays.copyOf(buf, n);
    } catch (SftpException e) {
      if (missing(e)) {
        return new byte[0];
      }
      throw e;
    }
  }

  /** The whole file, or empty when it does not exist. */
  Optional<byte[]> readAll(String path) throws IOException {
    try (InputStream in = sftp.read(path)) {
      return Optional.of(in.readAllBytes());
    } catch (SftpException e) {
      if (missing(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Writes a file whole: into a temporary name first, then renamed over {@code path}. */
  void write(String path, byte[] content) throws IOException {
    write(path, content, false);
  }

  /**
   * Writes a file whole, readable by its owner alone (0600) before its first byte: for records that
   * hold secrets.
   */
  void writePrivate(String path, byte[] content) throws IOException {
    write(path, content, true);
  }

  /** Makes a folder readable by its owner alone (0700). */
  void makePrivate(String folder) throws IOException {
    sftp.setStat(folder, new SftpClient.Attributes().perms(0700));
  }

  private void write(String path, byte[] content, boolean ownerOnly) throws IOException {
    String tmp = path + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    try (OutputStream out = sftp.write(tmp)) {
      if (ownerOnly) {
        sftp.setStat(tmp, new SftpClient.Attributes().perms(0600));
      }
      out.write(content);
    }
    OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
    if (posix != null && posix.isSupported()) {
      posix.posixRename(tmp, path); // atomic replace
    } else {
      if (exists(path)) {
        sftp.remove(path);
      }
      sftp.rename(tmp, path);
    }
  }

  /** Creates a folder and its missing parents. */
  void mkdirs(String path) throws IOException {
    List<String> missing = new ArrayList<>();
    String p = path;
    while (!p.isEmpty() && !p.equals("/") && !exists(p)) {
      missing.add(0, p);
      int slash = p.lastIndexOf('/');
      p = slash <= 0 ? (slash == 0 ? "/" : "") : p.substring(0, slash);
    }
    for (String m : missing) {
      try {
        sftp.mkdir(m);
      } catch (SftpException e) {
        if (!exists(m)) {
          throw e;
        }
      }
    }
  }

  /** The size of a file in bytes, 0 when it does not exist. */
  long size(String path) throws IOException {
    try {
      return sftp.stat(path).getSize();
    } catch (SftpException e) {
      if (missing(e)) {
        return 0;
      }
      throw e;
    }
  }

  boolean exists(String path) throws IOException {
    try {
      sftp.stat(path);
      return true;
    } catch (SftpException e) {
      if (missing(e)) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Copies a folder of the host into {@code local} (regular files and folders; links are not
   * followed). Returns the number of files copied; 0 when the folder does not exist.
   */
  int download(String remoteDir, Path local) throws IOException {
    if (!exists(remoteDir)) {
      return 0;
    }
    Iterable<SftpClient.DirEntry> entries = sftp.readDir(remoteDir);
    Files.createDirectories(local);
    int count = 0;
    for (SftpClient.DirEntry e : entries) {
      String name = e.getFilename();
      if (name.equals(".") || name.equals("..") || name.contains("/")) {
        continue;
      }
      SftpClient.Attributes a = e.getAttributes();
      if (a.isDirectory()) {
        count += download(remoteDir + "/" + name, local.resolve(name));
      } else if (a.isRegularFile()) {
        try (InputStream in = sftp.read(remoteDir + "/" + name)) {
          Files.copy(in, local.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        count++;
      }
    }
    return count;
  }

  private static boolean missing(SftpException e) {
    return e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE
        || e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_PATH;
  }

  @Override
  public void close() {
    try {
      sftp.close();
    } catch (IOException ignored) {
      // the connection is going away
    }
  }

  @Override
  public String toString() {
    return "SftpFiles[" + where + "]";
  }
}
