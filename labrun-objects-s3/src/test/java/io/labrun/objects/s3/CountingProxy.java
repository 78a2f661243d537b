package io.labrun.objects.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay in front of the S3 server that counts the bytes sent to it: what reached the S3
 * side, measured outside labrun and the SDK. Optionally slowed to {@code bytesPerSecond}, so an
 * upload lasts long enough to be killed half-way.
 */
public final class CountingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final URI upstream;
  private final long bytesPerSecond;
  private final AtomicLong sent = new AtomicLong();

  public CountingProxy(URI upstream, long bytesPerSecond) throws IOException {
    this.upstream = upstream;
    this.bytesPerSecond = bytesPerSecond;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "counting-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** Bytes sent to the S3 server so far (requests: headers and bodies). */
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
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      long start = System.nanoTime();
      long total = 0;
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buf, 0, bytesPerSecond > 0 ? 16 * 1024 : buf.length)) > 0; ) {
          out.write(buf, 0, n);
          total += n;
          if (count) {
            sent.addAndGet(n);
          }
          throttle(start, total);
        }
      } catch (IOException | InterruptedException e) {
        // one side closed: close both
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "counting-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Holds a pump back until its bytes fit the rate (the one wait in this relay: a rate, not a poll). */
  private void throttle(long start, long total) throws InterruptedException {
    if (bytesPerSecond > 0) {
      long due = start + total * 1_000_000_000L / bytesPerSecond;
      long ahead = due - System.nanoTime();
      if (ahead > 0) {
        java.util.concurrent.TimeUnit.NANOSECONDS.sleep(ahead);
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
