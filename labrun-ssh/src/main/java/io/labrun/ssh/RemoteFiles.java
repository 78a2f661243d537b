package io.labrun.ssh;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.sshd.client.session.ClientSession;

/**
 * Files on a host, over a {@link SshConnection}. Paths are as SFTP takes them: relative ones start
 * in the user's home. A file that does not exist reads as empty, not as an error: the supervisor's
 * files appear as a run goes.
 *
 * <p>They go over the channel of labrun's runner ({@link RunnerFiles}, each transfer checked by
 * size and SHA-256), started for them if need be, on a connection that uses one ({@link
 * SshConnection#useRunner}); else, and while another thread's command holds the runner, over one
 * SFTP channel opened on first use ({@link SftpFiles}). Why not SFTP first: where sshd's SFTP
 * server is a program of its own (OpenSSH's default {@code sftp-server}, Debian's, Red Hat's), sshd
 * starts it through the user's login shell, as it starts the runner, so a connection that read a
 * file over SFTP and then ran a command (a status check that finds the run ended and removes its
 * folder, a cancel after the status check that precedes it) started that shell twice. Only with
 * sshd's own {@code internal-sftp} would SFTP have been free for a connection that only reads.
 */
public final class RemoteFiles implements AutoCloseable {
  private static final long MAX_OFFSET = 1L << 62;
  private final SshConnection ssh;
  private final ClientSession session;
  private final String where;
  private SftpFiles sftp;

  RemoteFiles(SshConnection ssh, ClientSession session, String where) {
    this.ssh = ssh;
    this.session = session;
    this.where = where;
  }

  /** The user's home folder on the host, absolute. */
  public String home() throws IOException {
    return either(RunnerFiles::home, SftpFiles::home);
  }

  /**
   * Up to {@code max} bytes from {@code offset}; empty at the end or when the file does not exist.
   */
  public byte[] read(String path, long offset, int max) throws IOException {
    if (offset >= MAX_OFFSET) {
      return new byte[0]; // past any file (a reader wanting only what comes next); SFTP servers and
      // the runner's seek reject such offsets
    }
    return either(r -> r.read(path, offset, max), s -> s.read(path, offset, max));
  }

  /** The whole file, or empty when it does not exist. */
  public Optional<byte[]> readAll(String path) throws IOException {
    return either(r -> r.readAll(path), s -> s.readAll(path));
  }

  /** Writes a file whole: into a temporary name first, then renamed over {@code path}. */
  public void write(String path, byte[] content) throws IOException {
    both(r -> r.write(path, content, false), s -> s.write(path, content));
  }

  /**
   * Writes a file whole, readable by its owner alone (0600) before its first byte: for records that
   * hold secrets.
   */
  public void writePrivate(String path, byte[] content) throws IOException {
    both(r -> r.write(path, content, true), s -> s.writePrivate(path, content));
  }

  /** Makes a folder readable by its owner alone (0700). */
  public void makePrivate(String folder) throws IOException {
    both(r -> r.makePrivate(folder), s -> s.makePrivate(folder));
  }

  /** Creates a folder and its missing parents. */
  public void mkdirs(String path) throws IOException {
    both(r -> r.mkdirs(path), s -> s.mkdirs(path));
  }

  /** The size of a file in bytes, 0 when it does not exist. */
  public long size(String path) throws IOException {
    return either(
        r -> r.stat(path).map(a -> ((Number) a.get("size")).longValue()).orElse(0L),
        s -> s.size(path));
  }

  public boolean exists(String path) throws IOException {
    return either(r -> r.stat(path).isPresent(), s -> s.exists(path));
  }

  /**
   * Copies a folder of the host into {@code local} (regular files and folders; links are not
   * followed). Returns the number of files copied; 0 when the folder does not exist.
   */
  public int download(String remoteDir, Path local) throws IOException {
    return either(r -> r.download(remoteDir, local), s -> s.download(remoteDir, local));
  }

  private interface Use<F, T> {
    T on(F files) throws IOException;
  }

  private interface Act<F> {
    void on(F files) throws IOException;
  }

  /** {@link #either} for what answers nothing. */
  private void both(Act<RunnerFiles> viaRunner, Act<SftpFiles> viaSftp) throws IOException {
    either(
        r -> {
          viaRunner.on(r);
          return r;
        },
        s -> {
          viaSftp.on(s);
          return s;
        });
  }

  /** Does it with the runner when there is one and it is free, else over SFTP. */
  private <T> T either(Use<RunnerFiles, T> viaRunner, Use<SftpFiles, T> viaSftp)
      throws IOException {
    RemoteRunner runner = ssh.runnerForFiles();
    if (runner != null && runner.hold()) {
      try {
        return viaRunner.on(new RunnerFiles(runner, where));
      } finally {
        runner.release();
      }
    }
    return viaSftp.on(sftp());
  }

  private synchronized SftpFiles sftp() throws IOException {
    if (sftp == null) {
      long t = SshTrace.start();
      sftp = new SftpFiles(session, where);
      SshTrace.done("sftp channel opened", t);
    }
    return sftp;
  }

  @Override
  public synchronized void close() {
    if (sftp != null) {
      sftp.close();
      sftp = null;
    }
  }

  @Override
  public String toString() {
    return "RemoteFiles[" + where + "]";
  }
}
