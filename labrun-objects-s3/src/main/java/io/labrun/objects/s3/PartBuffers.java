package io.labrun.objects.s3;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * The part-sized buffers streamed uploads fill, a fixed number for the whole store: however many
 * uploads arrive at once, they hold at most {@code count} parts in memory (the rest wait for a
 * buffer), so the server's memory stays flat while large files pass. Buffers are made on first use
 * and kept, off the heap: on the heap, four 8 MiB arrays made the heap (and with it the young
 * generation the server's traffic cycles through) grow by about 90 MiB, for 32 MiB of buffers.
 */
final class PartBuffers {
  private final Semaphore free;
  private final ConcurrentLinkedQueue<ByteBuffer> spare = new ConcurrentLinkedQueue<>();
  private final int size;

  PartBuffers(int count, long size) {
    this.free = new Semaphore(count);
    this.size = Math.toIntExact(size);
  }

  int size() {
    return size;
  }

  ByteBuffer take() throws InterruptedIOException {
    try {
      free.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for an upload buffer");
    }
    ByteBuffer b = spare.poll();
    return b != null ? b : ByteBuffer.allocateDirect(size);
  }

  void give(ByteBuffer buffer) {
    spare.add(buffer);
    free.release();
  }
}
