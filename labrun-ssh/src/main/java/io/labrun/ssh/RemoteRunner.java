package io.labrun.ssh;

import io.labrun.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;

/**
 * labrun's command runner on a host ({@code labrun_runner.py}), started once per connection with
 * one exec request and kept with it: every later command of the connection is a child of it, so the
 * host's login shell (and the {@code ~/.bashrc} it reads, which may take a good part of a second
 * with pyenv or conda) starts once per connection instead of once per command. Its source travels
 * in the exec request itself ({@code python3 -c SOURCE}): nothing on the host to verify. Commands
 * go to it as argument vectors, which no shell reads. It also reads and writes files itself ({@link
 * RunnerFiles}), so that a host whose SFTP server is a program of its own, which sshd starts
 * through the same login shell, is not asked for one. The protocol is in the script.
 */
final class RemoteRunner implements AutoCloseable {
  static final String SOURCE = load();
  private static final byte[] READY = "LABRUN-RUNNER 2\n".getBytes(StandardCharsets.US_ASCII);
  private static final int CHUNK = 32 * 1024;

  private final ChannelExec channel;
  private final OutputStream toHost;
  private final Frames fromHost;
  private final ReentrantLock busy = new ReentrantLock();
  private final Object writing = new Object();
  private long command; // which command's stdin may still be written (under `writing`)

  private RemoteRunner(ChannelExec channel, Frames fromHost) {
    this.channel = channel;
    this.toHost = channel.getInvertedIn();
    this.fromHost = fromHost;
  }

  /**
   * Starts the runner with the host's {@code python}; null when it does not start (no such Python,
   * a login that ends at once): commands then go as exec requests of their own.
   */
  static RemoteRunner start(ClientSession session, String python, Duration timeout)
      throws IOException {
    Frames frames = new Frames();
    ChannelExec ch = session.createExecChannel(Shell.command(List.of(python, "-c", SOURCE)));
    ch.setOut(frames);
    ch.setErr(OutputStream.nullOutputStream()); // a login script's chatter
    ch.addCloseFutureListener(f -> frames.closed());
    ch.open().verify(timeout);
    try {
      if (frames.ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return new RemoteRunner(ch, frames);
      }
    } catch (ExecutionException | TimeoutException e) {
      // no runner: fall through
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
    ch.close(true);
    return null;
  }

  boolean isOpen() {
    return channel.isOpen() && !channel.isClosing() && !fromHost.ended;
  }

  /**
   * Runs {@code argv} as the runner's child, feeding it {@code stdin} and relaying its output;
   * returns its exit code, or null when the runner is busy with another thread's command.
   */
  Integer run(
      List<String> argv,
      InputStream stdin,
      OutputStream out,
      OutputStream err,
      Duration timeout,
      String where)
      throws IOException {
    Map<String, Object> end = exchange('X', Map.of("argv", argv), stdin, out, err, timeout, where);
    return end == null ? null : code(end);
  }

  /** The exit code in an end frame's fields (a file operation's: 0, 1 failed, 2 no such file). */
  static int code(Map<String, Object> end) {
    return ((Number) end.get("code")).intValue();
  }

  /**
   * Whether this thread may use the runner, and keeps it for this thread until {@link #release}
   * (several exchanges in a row, a folder copied file by file): false when another thread has it.
   */
  boolean hold() {
    return busy.tryLock();
  }

  void release() {
    busy.unlock();
  }

  /**
   * Sends one request ({@code X} a command, {@code F} a file operation) with {@code stdin} after it
   * as {@code I} frames, relays the answer's {@code O}/{@code E} frames to {@code out}/{@code err};
   * returns the fields of its end frame, or null when another thread holds the runner.
   */
  Map<String, Object> exchange(
      char kind,
      Map<String, Object> request,
      InputStream stdin,
      OutputStream out,
      OutputStream err,
      Duration timeout,
      String where)
      throws IOException {
    if (!busy.tryLock()) {
      return null;
    }
    try {
      CompletableFuture<Map<String, Object>> done = fromHost.begin(out, err);
      long id;
      synchronized (writing) {
        id = ++command;
        send(kind, Json.write(request).getBytes(StandardCharsets.UTF_8), 0, -1);
      }
      if (stdin == null) {
        sendStdin(id, new byte[0], 0);
      } else {
        pump(id, stdin, where);
      }
      try {
        return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        close();
        throw new IOException("no answer from " + where + " within " + timeout.toSeconds() + " s");
      } catch (ExecutionException e) {
        throw new IOException(
            "the connection to " + where + " closed before the command ended", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new InterruptedIOException("interrupted");
      } finally {
        synchronized (writing) {
          command++; // whatever of this command's stdin is still being read goes nowhere
        }
      }
    } finally {
      busy.unlock();
    }
  }

  /**
   * Copies {@code stdin} to the command on a thread of its own, as MINA pumps an exec channel's.
   */
  private void pump(long id, InputStream stdin, String where) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[CHUNK];
              try {
                for (int n; (n = stdin.read(buf)) >= 0; ) {
                  if (n > 0 && !sendStdin(id, buf, n)) {
                    return;
                  }
                }
                sendStdin(id, buf, 0);
              } catch (IOException e) {
                sendStdin(
                    id, buf, 0); // the end of what could be read: the command sees its stdin end
              }
            },
            "labrun-ssh-stdin " + where);
    t.setDaemon(true);
    t.start();
  }

  /** Sends stdin bytes of command {@code id} (none: its end); false once that command is over. */
  private boolean sendStdin(long id, byte[] buf, int n) {
    synchronized (writing) {
      if (id != command) {
        return false;
      }
      try {
        send('I', buf, 0, n);
        return true;
      } catch (IOException e) {
        return false; // the channel is gone: the command's end reports it
      }
    }
  }

  private void send(char kind, byte[] payload, int off, int len) throws IOException {
    int n = len < 0 ? payload.length : len;
    toHost.write(ByteBuffer.allocate(5).put((byte) kind).putInt(n).array());
    toHost.write(payload, off, n);
    toHost.flush();
  }

  @Override
  public void close() {
    channel.close(true);
  }

  /** The runner's stdout: its READY line, then frames, relayed to the running command's streams. */
  private static final class Frames extends OutputStream {
    final CompletableFuture<Boolean> ready = new CompletableFuture<>();
    volatile boolean ended;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private CompletableFuture<Map<String, Object>> done;
    private OutputStream out;
    private OutputStream err;

    synchronized CompletableFuture<Map<String, Object>> begin(OutputStream out, OutputStream err) {
      this.out = out;
      this.err = err;
      done = new CompletableFuture<>();
      if (ended) {
        done.completeExceptionally(new IOException("the runner has ended"));
      }
      return done;
    }

    synchronized void closed() {
      ended = true;
      ready.complete(false);
      if (done != null) {
        done.completeExceptionally(new IOException("the runner's channel closed"));
      }
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      pending.write(b, off, len);
      byte[] buf = pending.toByteArray();
      int used = ready.isDone() ? parse(buf) : skipToReady(buf);
      pending.reset();
      pending.write(buf, used, buf.length - used);
    }

    /** Skips what came before the READY line (a login script's output); returns the bytes used. */
    private int skipToReady(byte[] buf) throws IOException {
      for (int i = 0; i + READY.length <= buf.length; i++) {
        if ((i == 0 || buf[i - 1] == '\n')
            && Arrays.equals(buf, i, i + READY.length, READY, 0, READY.length)) {
          ready.complete(true);
          return i + READY.length + parse(Arrays.copyOfRange(buf, i + READY.length, buf.length));
        }
      }
      int keep = buf.length;
      while (keep > 0 && buf[keep - 1] != '\n') {
        keep--; // a partial line may be the start of READY
      }
      return keep;
    }

    /** Relays the whole frames in {@code buf}; returns the bytes used. */
    private int parse(byte[] buf) throws IOException {
      int at = 0;
      while (buf.length - at >= 5) {
        int size = ByteBuffer.wrap(buf, at + 1, 4).getInt();
        if (buf.length - at - 5 < size) {
          break;
        }
        relay((char) buf[at], buf, at + 5, size);
        at += 5 + size;
      }
      return at;
    }

    private void relay(char kind, byte[] buf, int off, int len) throws IOException {
      if (done == null || done.isDone()) {
        return;
      }
      switch (kind) {
        case 'O' -> out.write(buf, off, len);
        case 'E' -> err.write(buf, off, len);
        case 'Z' -> {
          out.flush();
          err.flush();
          done.complete(Json.parseObject(new String(buf, off, len, StandardCharsets.UTF_8)));
        }
        default -> throw new IOException("unexpected frame from labrun's runner: " + kind);
      }
    }
  }

  private static String load() {
    try (InputStream in = RemoteRunner.class.getResourceAsStream("labrun_runner.py")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("labrun_runner.py is missing from labrun's jar", e);
    }
  }
}
