package io.labrun.ssh;

import io.labrun.core.history.ObjectStore;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.SnapshotEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * labrun's folder on a host, {@code ~/.labrun/}: Python files by content ({@code lib/<hash>/}), a
 * per-user object cache ({@code objects/ab/cdef...}, the same SHA-256 keys as the local object
 * store) and run folders ({@code runs/<id>/}). A snapshot is sent as the objects the host lacks,
 * asked for in one round trip, then written out there from the manifest: resubmitting unchanged
 * code sends no file content at all.
 */
public final class HostCache {
  public static final String ROOT = ".labrun";
  public static final String HELPER = "labrun_remote.py";
  private static final Duration TIMEOUT = Duration.ofMinutes(30);

  private final SshConnection ssh;
  private final String python;
  private String lib;

  /**
   * @param python the host's Python 3, which runs labrun's helper and the supervisor there
   */
  public HostCache(SshConnection ssh, String python) {
    this.ssh = ssh;
    this.python = python;
  }

  /** What a snapshot sync sent. */
  public record SyncReport(int objectsSent, long contentBytesSent, int filesInSnapshot) {}

  /** The run folder of a run, relative to the home folder. */
  public static String runDir(String runId) {
    if (!runId.matches("[A-Za-z0-9._-]+") || runId.startsWith(".")) {
      throw new IllegalArgumentException("not a run id: " + runId);
    }
    return ROOT + "/runs/" + runId;
  }

  /**
   * The folder {@code lib/<hash>/} on the host for {@code files} (labrun's Python side, by relative
   * path) plus the helper, relative to the home folder. They are made sure of (uploaded the first
   * time) before the connection's first command, as only commands use them: a connection that only
   * reads a run's files does not look.
   */
  public synchronized String lib(Map<String, byte[]> files) throws IOException {
    if (lib != null) {
      return lib;
    }
    Map<String, byte[]> all = new TreeMap<>(files);
    try (InputStream in = HostCache.class.getResourceAsStream(HELPER)) {
      all.put(HELPER, in.readAllBytes());
    }
    lib = ROOT + "/lib/" + hash(all);
    ssh.beforeCommands(() -> folder("lib", all));
    return lib;
  }

  /**
   * Makes sure {@code files} (by relative path) are in {@code ~/.labrun/<kind>/<hash of files>/} on
   * the host, uploading them the first time; returns that folder, relative to the home folder.
   */
  public String folder(String kind, Map<String, byte[]> files) throws IOException {
    Map<String, byte[]> all = new TreeMap<>(files);
    String dir = ROOT + "/" + kind + "/" + hash(all);
    if ("complete".equals(ssh.fact(dir))) {
      return dir; // a reused connection need not look again
    }
    RemoteFiles f = ssh.files();
    if (!f.exists(dir + "/complete")) {
      Set<String> made = new LinkedHashSet<>();
      for (Map.Entry<String, byte[]> e : all.entrySet()) {
        String path = dir + "/" + e.getKey();
        String parent = path.substring(0, path.lastIndexOf('/'));
        if (made.add(parent)) {
          f.mkdirs(parent);
        }
        f.write(path, e.getValue());
      }
      f.write(dir + "/complete", new byte[0]); // last: a folder with this file is whole
    }
    ssh.fact(dir, "complete");
    return dir;
  }

  /** Runs the helper with {@code args}; a failure to run it at all is reported as is. */
  public SshConnection.Result helper(String lib, List<String> args, InputStream stdin)
      throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(python);
    argv.add(lib + "/" + HELPER);
    argv.addAll(args);
    return ssh.run(argv, stdin, TIMEOUT);
  }

  /**
   * Sends what the host lacks of {@code snapshot} (its files and its manifest) and writes the
   * snapshot out into {@code workDir} (relative to the home folder; it must not exist yet); then,
   * when {@code startRun} is a run folder with its {@code launch.json}, starts its supervisor in
   * the same round trip. Prints the supervisor's pid then.
   */
  public SyncReport sync(
      String lib, Snapshot snapshot, ObjectStore store, String workDir, String startRun)
      throws IOException {
    Map<String, Long> wanted = new LinkedHashMap<>();
    wanted.put(snapshot.id(), (long) snapshot.manifest().length);
    for (SnapshotEntry e : snapshot.entries()) {
      wanted.put(e.sha256(), e.size());
    }
    StringBuilder ask = new StringBuilder(wanted.size() * 72);
    wanted.forEach((sha, size) -> ask.append(sha).append(' ').append(size).append('\n'));
    ask.append('\n'); // a blank line ends the question
    // One round trip: the helper answers which objects it lacks (a list ended by a blank line) and
    // then reads just those from the same stdin, which is produced only once the answer is in.
    CompletableFuture<List<String>> answer = new CompletableFuture<>();
    long[] sent = {0};
    InputStream question =
        new ByteArrayInputStream(ask.toString().getBytes(StandardCharsets.US_ASCII));
    InputStream stdin =
        new SequenceInputStream(
            question,
            new LazyInputStream(
                () -> {
                  List<String> lacking = await(answer);
                  return frames(lacking, snapshot, store, sent);
                }));
    AnswerReader stdout = new AnswerReader(answer, wanted.keySet());
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    List<String> argv =
        new ArrayList<>(List.of(python, lib + "/" + HELPER, "sync", workDir, snapshot.id()));
    if (startRun != null) {
      argv.add(startRun);
    }
    int code;
    try {
      code = ssh.stream(argv, stdin, stdout, stderr, TIMEOUT);
    } finally {
      answer.completeExceptionally(new IOException("the host ended the exchange before answering"));
    }
    check(
        new SshConnection.Result(code, new byte[0], stderr.toByteArray()),
        startRun == null
            ? "receive the project's files"
            : "receive the project's files and start the run");
    List<String> missing = answer.join();
    return new SyncReport(missing.size(), sent[0], snapshot.entries().size());
  }

  /**
   * The missing objects as {@code <sha> <size>\n<bytes>} frames and a closing {@code end\n}, read
   * from the store one at a time as the connection takes them.
   */
  private static InputStream frames(
      List<String> missing, Snapshot snapshot, ObjectStore store, long[] sent) {
    Iterator<String> it = missing.iterator();
    return new InputStream() {
      private InputStream part = InputStream.nullInputStream();
      private InputStream pendingBody;
      private String pendingSha;
      private boolean counting;
      private boolean ended;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
          int n = part.read(b, off, len);
          if (n > 0) {
            if (counting) {
              sent[0] += n; // file content; headers and the manifest are bookkeeping
            }
            return n;
          }
          part.close();
          if (!next()) {
            return -1;
          }
        }
      }

      /** Moves to the next header, body or the end; false after the end. */
      private boolean next() throws IOException {
        counting = false;
        if (pendingBody != null) {
          part = pendingBody;
          counting = !pendingSha.equals(snapshot.id());
          pendingBody = null;
          return true;
        }
        if (it.hasNext()) {
          pendingSha = it.next();
          long size = store.size(pendingSha);
          pendingBody =
              store.open(
                  pendingSha); // an IOException here fails the command, which closes the channel
          part =
              new ByteArrayInputStream(
                  (pendingSha + " " + size + "\n").getBytes(StandardCharsets.US_ASCII));
          return true;
        }
        if (!ended) {
          ended = true;
          part = new ByteArrayInputStream("end\n".getBytes(StandardCharsets.US_ASCII));
          return true;
        }
        return false;
      }

      @Override
      public void close() throws IOException {
        part.close();
        if (pendingBody != null) {
          pendingBody.close();
        }
      }
    };
  }

  private static List<String> await(CompletableFuture<List<String>> answer) throws IOException {
    try {
      return answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("no answer from the host about the objects it has", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  /** Collects the helper's list of lacking objects, up to the blank line that ends it. */
  private static final class AnswerReader extends OutputStream {
    private final CompletableFuture<List<String>> answer;
    private final Set<String> asked;
    private final List<String> lacking = new ArrayList<>();
    private final StringBuilder line = new StringBuilder();

    AnswerReader(CompletableFuture<List<String>> answer, Set<String> asked) {
      this.answer = answer;
      this.asked = asked;
    }

    @Override
    public void write(int b) {
      if (answer.isDone()) {
        return; // nothing more is expected on stdout
      }
      if (b != '\n') {
        line.append((char) b);
        return;
      }
      String l = line.toString().strip();
      line.setLength(0);
      if (l.isEmpty()) {
        answer.complete(List.copyOf(lacking));
      } else if (asked.contains(l)) {
        lacking.add(l); // only hashes we asked about: a login script's chatter is not a request
      }
    }
  }

  /** An input stream made when first read. */
  private static final class LazyInputStream extends InputStream {
    interface Source {
      InputStream open() throws IOException;
    }

    private final Source source;
    private InputStream in;

    LazyInputStream(Source source) {
      this.source = source;
    }

    @Override
    public int read() throws IOException {
      return stream().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return stream().read(b, off, len);
    }

    private InputStream stream() throws IOException {
      if (in == null) {
        in = source.open();
      }
      return in;
    }

    @Override
    public void close() throws IOException {
      if (in != null) {
        in.close();
      }
    }
  }

  /** Fails with the helper's own last words when it did not succeed. */
  public static void check(SshConnection.Result r, String what) throws IOException {
    if (r.exitCode() != 0) {
      String err = r.err().strip();
      String last =
          err.isEmpty() ? "exit code " + r.exitCode() : err.substring(err.lastIndexOf('\n') + 1);
      throw new HelperFailed(r.exitCode(), "the host could not " + what + ": " + last);
    }
  }

  /** The helper ran but failed (as opposed to the connection failing). */
  public static final class HelperFailed extends IOException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    HelperFailed(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  static String hash(Map<String, byte[]> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      files.forEach(
          (name, content) -> {
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Long.toString(content.length).getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            sha.update(content);
          });
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
