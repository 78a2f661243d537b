package io.labrun.cli.run;

import io.labrun.core.history.RunView;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.sweep.SweepDriver;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Shows a sweep while it goes, on labrun's stderr. On a terminal: one line per run (status, elapsed
 * time, last metric), redrawn in place with ANSI codes; past {@value #MAX_LINES} runs only the runs
 * going and the last ones ended, under a count of each state. Elsewhere (a log, a pipe): a plain
 * line each time a run changes state, and nothing redrawn.
 */
final class SweepView implements SweepDriver.Listener {
  static final int MAX_LINES = 20;
  private static final String CLEAR_LINE = "\r\033[2K";
  private final PrintWriter err;
  private final boolean live;
  private final Supplier<List<SweepDriver.PointView>> views;
  private final int total;
  private final Set<String> notesShown = new HashSet<>();
  private final Map<Integer, RunStatus> shownStatus = new ConcurrentHashMap<>();
  private int drawnLines;
  private boolean paused;

  SweepView(PrintWriter err, boolean live, int total, Supplier<List<SweepDriver.PointView>> views) {
    this.err = err;
    this.live = live;
    this.total = total;
    this.views = views;
  }

  @Override
  public void changed(SweepDriver.PointView v) {
    if (live) {
      return; // the next redraw shows it
    }
    RunStatus before = shownStatus.put(v.point().index(), v.run().status());
    boolean sameRun = before != null && v.run().status() == before;
    if (!sameRun && v.run().status() != RunStatus.PREPARING) {
      synchronized (this) {
        err.println(line(v, Instant.now()));
        err.flush();
      }
    }
  }

  @Override
  public synchronized void note(String message) {
    if (!notesShown.add(message)) {
      return;
    }
    clear();
    err.println("labrun: " + message);
    err.flush();
    draw();
  }

  /** Redraws the live lines in place (on a terminal); called every few hundred milliseconds. */
  synchronized void tick() {
    if (!live || paused) {
      return;
    }
    List<String> lines = lines(views.get(), Instant.now());
    StringBuilder b = new StringBuilder();
    if (drawnLines > 0) {
      b.append("\033[").append(drawnLines).append('A');
    }
    for (String l : lines) {
      b.append(CLEAR_LINE).append(l).append('\n');
    }
    int extra = drawnLines - lines.size();
    if (extra > 0) {
      b.append((CLEAR_LINE + "\n").repeat(extra)).append("\033[").append(extra).append('A');
    }
    err.print(b);
    err.flush();
    drawnLines = lines.size();
  }

  /** Stops redrawing (to ask a question) and clears the lines. */
  synchronized void pause() {
    clear();
    paused = true;
  }

  synchronized void resume() {
    paused = false;
    draw();
  }

  /** The last picture stays on the screen: what follows is printed under it. */
  synchronized void finish() {
    if (live) {
      tick();
      drawnLines = 0;
      paused = true;
    }
  }

  private void clear() {
    if (!live || drawnLines == 0) {
      return;
    }
    StringBuilder b = new StringBuilder();
    b.append("\033[").append(drawnLines).append('A');
    for (int i = 0; i < drawnLines; i++) {
      b.append(CLEAR_LINE).append('\n');
    }
    b.append("\033[").append(drawnLines).append('A');
    err.print(b);
    drawnLines = 0;
  }

  private void draw() {
    drawnLines = 0;
    tick();
  }

  /**
   * What the live picture shows: every run, or for a big sweep a summary and the interesting runs.
   */
  List<String> lines(List<SweepDriver.PointView> all, Instant now) {
    if (all.size() <= MAX_LINES) {
      return all.stream().map(v -> line(v, now)).toList();
    }
    Map<RunStatus, Long> counts = new EnumMap<>(RunStatus.class);
    all.forEach(v -> counts.merge(v.run().status(), 1L, Long::sum));
    List<String> out = new ArrayList<>();
    StringBuilder summary = new StringBuilder(all.size() + " runs:");
    counts.forEach((s, n) -> summary.append(' ').append(n).append(' ').append(s.display()));
    out.add(summary.toString());
    List<SweepDriver.PointView> going =
        all.stream()
            .filter(v -> !v.run().status().isFinal() && v.run().status() != RunStatus.QUEUED)
            .toList();
    List<SweepDriver.PointView> ended =
        all.stream()
            .filter(v -> v.run().status().isFinal() && v.run().ended() != null)
            .sorted(Comparator.comparing((SweepDriver.PointView v) -> v.run().ended()).reversed())
            .limit(5)
            .toList();
    going.stream().limit(MAX_LINES - 7L).forEach(v -> out.add(line(v, now)));
    ended.forEach(v -> out.add(line(v, now)));
    return out;
  }

  String line(SweepDriver.PointView v, Instant now) {
    Run r = v.run();
    String elapsed = r.started() == null ? "" : RunView.duration(r.duration(now));
    StringBuilder params = new StringBuilder();
    v.point()
        .params()
        .forEach(
            (k, val) ->
                params.append(params.length() == 0 ? "" : " ").append(k).append('=').append(val));
    String width = Integer.toString(total);
    String detail =
        r.status().isFinal() && r.status() != RunStatus.COMPLETED && r.statusDetail() != null
            ? "  (" + shorten(r.statusDetail()) + ")"
            : "";
    // As "[%Nd/%s] %-9s %7s  %s%s%s%s  %s", without String.format: this runs for every change of
    // every run.
    return "["
        + padLeft(Integer.toString(v.point().index() + 1), width.length())
        + "/"
        + width
        + "] "
        + padRight(r.status().display(), 9)
        + " "
        + padLeft(elapsed, 7)
        + "  "
        + params
        + (v.lastMetric() == null ? "" : "  " + v.lastMetric())
        + (r.attempt() > 1 ? "  attempt " + r.attempt() : "")
        + detail
        + "  "
        + r.id();
  }

  private static String padLeft(String s, int width) {
    return " ".repeat(Math.max(0, width - s.length())) + s;
  }

  private static String padRight(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }

  private static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 59) + "…";
  }
}
