package io.labrun.objects.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A stretch of a file, read in blocks: the body of one upload part, and its MD5 for S3's
 * Content-MD5 check.
 */
final class FileRange extends InputStream {
  private static final int BLOCK = 1 << 16;
  private final FileChannel channel;
  private long position;
  private final long end;

  private FileRange(Path file, long offset, long length) throws IOException {
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    this.position = offset;
    this.end = offset + length;
  }

  static InputStream open(Path file, long offset, long length) throws IOException {
    return new FileRange(file, offset, length);
  }

  /** The base64 MD5 of {@code length} bytes of {@code file} from {@code offset}. */
  static String md5(Path file, long offset, long length) throws IOException {
    MessageDigest md5 = newMd5();
    try (InputStream in = open(file, offset, length)) {
      byte[] buf = new byte[BLOCK];
      for (int n; (n = in.read(buf)) > 0; ) {
        md5.update(buf, 0, n);
      }
    }
    return Base64.getEncoder().encodeToString(md5.digest());
  }

  static String md5(byte[] bytes) {
    return md5(bytes, bytes.length);
  }

  /** The base64 MD5 of the first {@code length} bytes of {@code bytes}. */
  /** The MD5 of a buffer's first {@code length} bytes, its position and limit left as they are. */
  static String md5(java.nio.ByteBuffer bytes, int length) {
    MessageDigest md5 = newMd5();
    md5.update(bytes.duplicate().position(0).limit(length));
    return Base64.getEncoder().encodeToString(md5.digest());
  }

  static String md5(byte[] bytes, int length) {
    MessageDigest md5 = newMd5();
    md5.update(bytes, 0, length);
    return Base64.getEncoder().encodeToString(md5.digest());
  }

  /** The ETag S3 gives a part (or a plain object): the quoted hex MD5 of its bytes. */
  static String etagOf(String base64Md5) {
    return "\"" + HexFormat.of().formatHex(Base64.getDecoder().decode(base64Md5)) + "\"";
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (position >= end) {
      return -1;
    }
    int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
    if (n < 0) {
      throw new IOException(
          "the file ended " + (end - position) + " bytes early: it changed while being uploaded");
    }
    position += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has MD5", e);
    }
  }
}
