package io.labrun.cli.daemon;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The resident labrun's wire format, both ways on one Unix domain socket: frames of a type byte, a
 * 4-byte big-endian length and that many bytes. From the client: {@code R} the request (see {@link
 * Request}), {@code I} stdin bytes, {@code E} end of stdin, {@code C} Ctrl-C. From labrun: {@code
 * 1} stdout bytes, {@code 2} stderr bytes, {@code P} "send up to N bytes of stdin" (4-byte N),
 * {@code D} done (4-byte exit code), {@code F} "run this command in a labrun of its own" (nothing
 * was done), {@code Q} "ask the person at the terminal for a secret, without echo" (the prompt),
 * answered by the client's {@code S} (the secret in UTF-8; empty when nobody can answer).
 * python/labrun_client.py is the other end.
 */
final class Frames {
  static final byte REQUEST = 'R';
  static final byte STDIN = 'I';
  static final byte STDIN_END = 'E';
  static final byte CTRL_C = 'C';
  static final byte STDOUT = '1';
  static final byte STDERR = '2';
  static final byte PULL = 'P';
  static final byte DONE = 'D';
  static final byte DIRECT = 'F';
  static final byte ASK_SECRET = 'Q';
  static final byte SECRET = 'S';
  private static final int MAX = 64 * 1024 * 1024;

  private final SocketChannel channel;

  Frames(SocketChannel channel) {
    this.channel = channel;
  }

  /** One frame: its type and payload. */
  record Frame(byte type, byte[] payload) {}

  Frame read() throws IOException {
    ByteBuffer head = ByteBuffer.allocate(5);
    fill(head);
    byte type = head.get(0);
    int length = head.getInt(1);
    if (length < 0 || length > MAX) {
      throw new IOException("a frame of " + length + " bytes");
    }
    ByteBuffer body = ByteBuffer.allocate(length);
    fill(body);
    return new Frame(type, body.array());
  }

  private void fill(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (channel.read(b) < 0) {
        throw new EOFException("the client went away");
      }
    }
  }

  void write(byte type, byte[] data, int off, int len) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(5).put(type).putInt(len).flip();
    ByteBuffer body = ByteBuffer.wrap(data, off, len);
    synchronized (this) {
      while (head.hasRemaining() || body.hasRemaining()) {
        channel.write(new ByteBuffer[] {head, body});
      }
    }
  }

  void writeInt(byte type, int value) throws IOException {
    write(type, ByteBuffer.allocate(4).putInt(value).array(), 0, 4);
  }
}
