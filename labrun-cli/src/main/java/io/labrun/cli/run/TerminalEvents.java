package io.labrun.cli.run;

import io.labrun.core.run.Run;
import io.labrun.core.tracking.LogRecord;
import io.labrun.core.tracking.RunEvents;
import java.io.PrintWriter;

/**
 * Shows a run live on the terminal: the script's stdout on labrun's stdout and its stderr on
 * stderr (so redirections keep them apart), labrun's own lines on stderr.
 */
final class TerminalEvents implements RunEvents {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean showStatus;

  TerminalEvents(PrintWriter out, PrintWriter err, boolean showStatus) {
    this.out = out;
    this.err = err;
    this.showStatus = showStatus;
  }

  @Override
  public void status(Run run) {
    if (showStatus) {
      err.println("labrun: run " + run.id() + " is " + run.status().display());
      err.flush();
    }
  }

  @Override
  public void log(LogRecord r) {
    PrintWriter w = r.stream() == LogRecord.Stream.STDOUT ? out : err;
    String text = r.stream() == LogRecord.Stream.SYSTEM ? "[labrun] " + r.text() : r.text();
    if (r.endsLine()) {
      w.println(text);
    } else {
      w.print(text);
    }
    w.flush();
  }

  @Override
  public void progress(String message) {
    err.println("labrun: " + message);
    err.flush();
  }
}
