package io.labrun.cli.run;

import io.labrun.cli.CliContext;
import io.labrun.core.run.LogRecord;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import java.io.PrintWriter;

/**
 * Shows a run live on the terminal: the script's stdout on labrun's stdout and its stderr on stderr
 * (so redirections keep them apart), labrun's own lines on stderr. On a terminal, a long step's
 * latest line (a build's output) is shown in place on one line; elsewhere it is left out.
 */
final class TerminalEvents implements RunEvents {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean showStatus;
  private final boolean live;
  private final int width;
  private boolean transientShown;

  TerminalEvents(PrintWriter out, PrintWriter err, boolean showStatus) {
    this(out, err, showStatus, false, 0);
  }

  /**
   * {@code live}: stderr is a terminal {@code width} columns wide, where a line can be rewritten.
   */
  TerminalEvents(PrintWriter out, PrintWriter err, boolean showStatus, boolean live, int width) {
    this.out = out;
    this.err = err;
    this.showStatus = showStatus;
    this.live = live;
    this.width = width <= 20 ? 100 : width;
  }

  @Override
  public void status(Run run) {
    if (showStatus) {
      clearTransient();
      err.println("labrun: run " + run.id() + " is " + run.status().display());
      err.flush();
    }
  }

  @Override
  public void log(LogRecord r) {
    clearTransient();
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
    clearTransient();
    err.println("labrun: " + message);
    err.flush();
  }

  @Override
  public void transientProgress(String line) {
    if (!live) {
      return;
    }
    String text = "labrun:   " + line.replace('\r', ' ').replace('\t', ' ');
    if (text.length() > width - 1) {
      text = text.substring(0, width - 2) + "…";
    }
    err.print("\r\033[2K" + text);
    err.flush();
    transientShown = true;
  }

  private void clearTransient() {
    if (transientShown) {
      err.print("\r\033[2K");
      err.flush();
      transientShown = false;
    }
  }

  /** Events for a command's own progress: live on a terminal (COLUMNS wide, when set). */
  static TerminalEvents of(CliContext ctx) {
    int columns = 0;
    try {
      columns = Integer.parseInt(ctx.env().getOrDefault("COLUMNS", "0"));
    } catch (NumberFormatException ignored) {
      // the default width
    }
    return new TerminalEvents(ctx.out(), ctx.err(), false, ctx.interactive(), columns);
  }
}
