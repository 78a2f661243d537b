package io.labrun.compute.testkit;

import io.labrun.core.launch.Execution;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.run.LogRecord;
import io.labrun.core.run.Run;
import io.labrun.core.supervisor.ExitRecord;
import io.labrun.core.supervisor.OutputLogParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A run the kit started, and what it has read of it so far: its output records, in order, read
 * through {@link Execution#readOutput} as a follower would.
 *
 * @param plan what the target was given
 * @param execution the target's handle on the run
 */
public record KitRun(RunPlan plan, Execution execution, List<LogRecord> records) {
  public KitRun(RunPlan plan, Execution execution) {
    this(plan, execution, new ArrayList<>());
  }

  public String id() {
    return plan.runId();
  }

  /** The run as it would be recorded once started: with the target's attributes. */
  public Run recorded() {
    Run run = plan.run();
    for (var a : execution.attributes().entrySet()) {
      run = run.withAttribute(a.getKey(), a.getValue());
    }
    return run;
  }

  /** Reads what is new in the run's output; returns whether the run has ended. */
  boolean follow() {
    try {
      boolean ended =
          execution.poll().isPresent(); // the end first: output read after it is complete
      long offset = records.isEmpty() ? 0 : records.get(records.size() - 1).nextOffset();
      while (true) {
        byte[] chunk = execution.readOutput(offset, 1 << 20);
        if (chunk.length == 0) {
          return ended;
        }
        List<LogRecord> more = OutputLogParser.parse(chunk, offset);
        if (more.isEmpty()) {
          return ended;
        }
        records.addAll(more);
        offset = more.get(more.size() - 1).nextOffset();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The exit record, once the run has ended. */
  public ExitRecord exit() {
    try {
      Optional<ExitRecord> exit = execution.poll();
      return exit.orElseThrow(() -> new AssertionError("run " + id() + " has not ended"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines of one stream, in order (partial chunks joined). */
  public String text(LogRecord.Stream stream) {
    return records.stream()
        .filter(r -> r.stream() == stream)
        .map(r -> r.text() + (r.endsLine() ? "\n" : ""))
        .collect(Collectors.joining());
  }

  /** Every record, as one line each, for a failing assertion's message. */
  public String describe() {
    return records.stream()
        .map(r -> r.stream() + ": " + r.text())
        .collect(Collectors.joining("\n", "output of " + id() + ":\n", ""));
  }
}
