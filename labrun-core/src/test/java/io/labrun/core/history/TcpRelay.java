package io.labrun.core.history;

import static java.nio.charset.StandardCharsets.US_ASCII;

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
  private final AtomicLong requests = new AtomicLong();
  private static final byte[] REQUEST_LINE_END = " HTTP/1.1\r\n".getBytes(US_ASCII);

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

  /**
   * HTTP requests sent to the server so far: request lines seen (each ends in {@code " HTTP/1.1"}
   * and a line break; a body holding those 11 bytes would count too, which random test data does
   * not).
   */
  public long requests() {
    return requests.get();
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
              int matched = 0;
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
                  // Counted before they are passed on: once the other side has them it may
                  // answer, and a test reading the counts after that answer must see them.
                  (count ? sent : received).addAndGet(n);
                  if (count) {
                    matched = countRequestLines(buf, n, matched);
                  }
                  out.write(buf, 0, n);
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

  /** Counts request line ends in {@code buf}; returns how much of one the block ended with. */
  private int countRequestLines(byte[] buf, int n, int matched) {
    for (int i = 0; i < n; i++) {
      if (buf[i] == REQUEST_LINE_END[matched]) {
        matched++;
        if (matched == REQUEST_LINE_END.length) {
          requests.incrementAndGet();
          matched = 0;
        }
      } else {
        matched = buf[i] == REQUEST_LINE_END[0] ? 1 : 0;
      }
    }
    return matched;
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
