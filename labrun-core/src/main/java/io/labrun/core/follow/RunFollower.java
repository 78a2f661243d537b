package io.labrun.core.follow;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.Execution;
import io.labrun.core.run.LogRecord;
import io.labrun.core.run.RunEvents;
import io.labrun.core.supervisor.ExitRecord;
import io.labrun.core.supervisor.OutputLogParser;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Streams a run's stored output to whoever watches, from a byte offset, until the run ends or the
 * watcher lets go. Resuming from the offset of the last record seen gives every line exactly once.
 */
public final class RunFollower {
  private static final int CHUNK = 1 << 20;
  private final Execution execution;
  private long offset;

  public RunFollower(Execution execution, long fromOffset) {
    this.execution = execution;
    this.offset = fromOffset;
  }

  public long offset() {
    return offset;
  }

  /** Sends all output stored so far; returns how many records were sent. */
  public int drain(RunEvents events) {
    int sent = 0;
    try {
      while (true) {
        byte[] chunk = execution.readOutput(offset, CHUNK);
        if (chunk.length == 0) {
          return sent;
        }
        List<LogRecord> records = OutputLogParser.parse(chunk, offset);
        if (records.isEmpty()) {
          return sent;
        }
        for (LogRecord r : records) {
          events.log(r);
        }
        offset = records.get(records.size() - 1).nextOffset();
        sent += records.size();
      }
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.TARGET_UNAVAILABLE, "cannot read the run's output: " + e.getMessage(), e);
    }
  }

  /**
   * Follows until the run ends (returns its exit record, after the last output) or {@code stop}
   * says to let go (returns empty; the run goes on).
   */
  public Optional<ExitRecord> follow(RunEvents events, BooleanSupplier stop) {
    Duration wait = Duration.ofMillis(5);
    try {
      while (!stop.getAsBoolean()) {
        if (drain(events) > 0) {
          wait = Duration.ofMillis(5);
          continue;
        }
        Optional<ExitRecord> exit = execution.poll();
        if (exit.isPresent()) {
          drain(events);
          return exit;
        }
        execution.awaitChange(wait);
        wait =
            wait.multipliedBy(2).compareTo(Duration.ofMillis(100)) > 0
                ? Duration.ofMillis(100)
                : wait.multipliedBy(2);
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.TARGET_UNAVAILABLE, "lost contact with the run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
