package io.labrun.server;

import io.labrun.core.launch.Execution;
import io.labrun.core.launch.ForwardingExecution;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A run on another host, seen with its output copied into the server's state folder as it is read:
 * each block {@link #readOutput} gets is written at its own offset of {@code STATE/output.log}, so
 * the local file is a byte-for-byte prefix of the host's log (reading a block again writes the same
 * bytes), and the live-log streams ({@link LogStreams}) serve it as they do a local run's.
 * Collecting the run later copies the whole log over it, the same bytes.
 */
final class MirroredOutput extends ForwardingExecution {
  private final Path log;

  MirroredOutput(Execution run, Path log) {
    super(run);
    this.log = log;
  }

  /** Where a follower resumes: the end of what was copied already (whole records only). */
  long copied() {
    try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
      long end = ch.size();
      ByteBuffer b = ByteBuffer.allocate(8192);
      while (end > 0) {
        // A write cut short (the server stopped in the middle) leaves part of a record: resume
        // before it.
        long from = Math.max(0, end - b.capacity());
        b.clear().limit((int) (end - from));
        ch.read(b, from);
        for (int i = b.position() - 1; i >= 0; i--) {
          if (b.get(i) == '\n') {
            return from + i + 1;
          }
        }
        end = from;
      }
      return 0;
    } catch (IOException e) {
      return 0; // nothing copied yet
    }
  }

  @Override
  public byte[] readOutput(long offset, int max) throws IOException {
    byte[] records = execution.readOutput(offset, max);
    if (records.length > 0) {
      Files.createDirectories(log.getParent());
      try (FileChannel ch =
          FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(records);
        while (b.hasRemaining()) {
          ch.write(b, offset + b.position());
        }
      }
    }
    return records;
  }
}
