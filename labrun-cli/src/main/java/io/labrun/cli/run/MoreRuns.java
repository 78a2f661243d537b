package io.labrun.cli.run;

import io.labrun.app.LocalRuns;
import java.io.PrintWriter;

/**
 * The line under a cut {@code history list} table: how many runs more and how to see them, the same
 * whether the runs come from this machine's history or from a labrun server.
 */
public final class MoreRuns {
  /** The largest {@code -n}. */
  public static final int MAX_LIMIT = LocalRuns.LARGEST_PAGE;

  private MoreRuns() {}

  /**
   * Says how many runs follow {@code lastShown}; {@code more} was counted up to {@code counted} (at
   * that many, there may be more still). Nothing when none follow.
   */
  public static void say(PrintWriter err, int more, int counted, int limit, String lastShown) {
    if (more > 0) {
      err.println(
          "labrun: "
              + (more == counted ? counted + " or" : Integer.toString(more))
              + " more run(s); use -n "
              + Math.min(MAX_LIMIT, limit + more)
              + " to see them, or --after "
              + lastShown
              + " for the next page");
    }
  }
}
