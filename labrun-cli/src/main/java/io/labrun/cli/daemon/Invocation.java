package io.labrun.cli.daemon;

import io.labrun.app.Trace;
import io.labrun.cli.CliContext;
import io.labrun.cli.Main;
import io.labrun.core.error.ExitCode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One command a client sent, run on its own thread with a {@link CliContext} made of the client's
 * environment, folder and streams. Its output goes back as frames, stdin is asked for when the
 * command reads it, Ctrl-C from the client presses the command's {@code Interrupts} (or, when the
 * command did not take it, stops the command as Ctrl-C stops a labrun of its own: its stop hooks
 * run and it ends with 130). A client that goes away stops its command the same way.
 */
final class Invocation {
  static final int INTERRUPTED = 130;
  private final SocketChannel channel;
  private final Frames frames;
  private final Resident resident;
  private final AtomicBoolean answered = new AtomicBoolean();
  private final BlockingQueue<byte[]> secrets = new LinkedBlockingQueue<>();
  private volatile CliContext ctx;
  private volatile Thread worker;
  private PrintWriter out;
  private PrintWriter err;

  Invocation(SocketChannel channel, Resident resident) {
    this.channel = channel;
    this.frames = new Frames(channel);
    this.resident = resident;
  }

  void serve() {
    worker = Thread.currentThread();
    try (channel) {
      Frames.Frame first = frames.read();
      if (first.type() != Frames.REQUEST) {
        return;
      }
      Request request = Request.parse(first.payload());
      Trace.mark("command received");
      worker.setName("labrun-command-" + request.pid());
      PullStdin stdin = new PullStdin(frames);
      out = writer(Frames.STDOUT);
      err = writer(Frames.STDERR);
      int code;
      try (CliContext c =
          CliContext.forClient(
              request.env(),
              request.cwd(),
              stdin,
              request.interactive(),
              request.pid(),
              resident)) {
        ctx = c;
        c.askSecretsWith(this::askClient);
        Thread reader = new Thread(() -> readClient(stdin), "labrun-client-" + request.pid());
        reader.setDaemon(true);
        reader.start();
        code = run(c, request);
      }
      answer(ctx.handedBack() ? Frames.DIRECT : Frames.DONE, code);
    } catch (IOException | RuntimeException e) {
      Daemon.log("a command ended badly: " + e);
    }
  }

  private int run(CliContext c, Request request) {
    try {
      return Main.run(c, out, err, request.args().toArray(String[]::new));
    } catch (RuntimeException | Error e) {
      err.println(
          "labrun: internal error: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + " (a bug in labrun; run again with LABRUN_DAEMON=0 LABRUN_DEBUG=1 for details and"
              + " report it)");
      Daemon.log("command " + request.args() + " failed: " + e);
      return ExitCode.INTERNAL.code();
    }
  }

  /** Frames from the client while the command runs: stdin, Ctrl-C, or its end. */
  private void readClient(PullStdin stdin) {
    try {
      while (!answered.get()) {
        Frames.Frame f = frames.read();
        switch (f.type()) {
          case Frames.STDIN -> stdin.offer(f.payload());
          case Frames.STDIN_END -> stdin.end();
          case Frames.SECRET -> secrets.offer(f.payload());
          case Frames.CTRL_C -> {
            if (!ctx.interrupts().press()) {
              stop(true);
            }
          }
          default -> {} // unknown: ignore, as a newer client's extras
        }
      }
    } catch (IOException e) {
      stdin.end();
      stop(false); // the client is gone (killed, its terminal closed)
    }
  }

  /** Asks the client's terminal for a secret without echo; null when nobody answers it. */
  private char[] askClient(String prompt) {
    try {
      byte[] text = prompt.getBytes(StandardCharsets.UTF_8);
      frames.write(Frames.ASK_SECRET, text, 0, text.length);
      byte[] answer = secrets.take();
      try {
        if (answer.length == 0) {
          return null;
        }
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(answer));
        char[] secret = new char[chars.remaining()];
        chars.get(secret);
        Arrays.fill(chars.array(), '\0');
        return secret;
      } finally {
        Arrays.fill(answer, (byte) 0);
      }
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Stops the command as a labrun of its own is stopped by Ctrl-C: its hooks run, it ends with 130.
   */
  private void stop(boolean answer) {
    if (answered.get()) {
      return;
    }
    ctx.interrupts().stop();
    if (answer) {
      answer(Frames.DONE, INTERRUPTED);
    } else {
      answered.set(true);
    }
    worker.interrupt();
  }

  private void answer(byte type, int code) {
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    out.flush();
    err.flush();
    try {
      frames.writeInt(type, code);
      channel.shutdownOutput();
    } catch (IOException e) {
      // the client is gone; nothing to tell
    }
  }

  private PrintWriter writer(byte type) {
    OutputStream frameStream =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (len > 0 && !answered.get()) {
              frames.write(type, b, off, len);
            }
          }
        };
    return new PrintWriter(
        new OutputStreamWriter(new BufferedOutputStream(frameStream, 8192), StandardCharsets.UTF_8),
        true);
  }

  /** The client's stdin, read only when the command reads: each read asks the client for bytes. */
  static final class PullStdin extends InputStream {
    private static final byte[] END = new byte[0];
    private final Frames frames;
    private final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private byte[] current = new byte[0];
    private int pos;
    private boolean ended;

    PullStdin(Frames frames) {
      this.frames = frames;
    }

    void offer(byte[] data) {
      chunks.add(data.length == 0 ? END : data);
    }

    void end() {
      chunks.add(END);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos == current.length) {
        if (ended) {
          return -1;
        }
        byte[] next = chunks.poll();
        if (next == null) {
          frames.writeInt(Frames.PULL, Math.min(len, 65536));
          try {
            next = chunks.take();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stopped while reading stdin");
          }
        }
        if (next == END) {
          ended = true;
          return -1;
        }
        current = next;
        pos = 0;
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
