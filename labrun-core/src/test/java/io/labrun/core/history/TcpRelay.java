package io.labrun.core.history;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay in front of a server (S3, a labrun server) that counts the bytes sent to it: what
 * reached the server side, measured outside labrun. Optionally slowed to {@code bytesPerSecond}, so
 * an upload lasts long enough to be killed half-way, and able to cut a connection off after some
 * bytes of the answer, as a dropped network does.
 */
public final class TcpRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final URI upstream;
  private final long bytesPerSecond;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong cutAfter = new AtomicLong(-1);

  public TcpRelay(URI upstream, long bytesPerSecond) throws IOException {
    this.upstream = upstream;
    this.bytesPerSecond = bytesPerSecond;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "tcp-relay");
    accept.setDaemon(true);
    accept.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /**
   * Cuts the next connection whose answer passes {@code bytes} (once: later connections go
   * through).
   */
  public void cutNextAnswerAfter(long bytes) {
    cutAfter.set(bytes);
  }

  /** True while the cut asked for has not happened yet. */
  public boolean cutPending() {
    return cutAfter.get() >= 0;
  }

  /** Bytes the server answered so far (headers and bodies). */
  public long receivedBytes() {
    return received.get();
  }

  /** Bytes sent to the server so far (requests: headers and bodies). */
  public long sentBytes() {
    return sent.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(upstream.getHost(), upstream.getPort());
        pump(client, server, true);
        pump(server, client, false);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Socket from, Socket to, boolean count) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[64 * 1024];
              long start = System.nanoTime();
              long total = 0;
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n;
                    (n = in.read(buf, 0, bytesPerSecond > 0 ? 16 * 1024 : buf.length)) > 0; ) {
                  total += n;
                  long cut = count ? -1 : cutAfter.get();
                  if (cut >= 0 && total > cut && cutAfter.compareAndSet(cut, -1)) {
                    out.write(buf, 0, (int) (n - (total - cut)));
                    break; // the answer stops here, as if the network dropped
                  }
                  out.write(buf, 0, n);
                  (count ? sent : received).addAndGet(n);
                  throttle(start, total);
                }
              } catch (IOException | InterruptedException e) {
                // one side closed: close both
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-relay-pump");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Holds a pump back until its bytes fit the rate (the one wait in this relay: a rate, not a
   * poll).
   */
  private void throttle(long start, long total) throws InterruptedException {
    if (bytesPerSecond > 0) {
      long due = start + total * 1_000_000_000L / bytesPerSecond;
      long ahead = due - System.nanoTime();
      if (ahead > 0) {
        TimeUnit.NANOSECONDS.sleep(ahead);
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
