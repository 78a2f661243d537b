package io.labrun.cli.run;

import io.labrun.core.history.RunStore;
import io.labrun.core.history.RunView;
import io.labrun.core.run.Run;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** How runs look in command output: {@link RunView}, the one view the API and the UI show too. */
public final class Runs {
  private Runs() {}

  static Map<String, Object> row(Run run, Instant now) {
    return RunView.row(run, now);
  }

  /** {@link RunView#info} with its attributes (this machine ran it), metrics by name as users query them ({@code metrics.NAME.last}). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> info(Run run, RunStore store, Instant now) {
    Map<String, Object> m = RunView.info(run, store, now, true);
    m.put("metrics", RunView.metricsByName((List<Map<String, Object>>) m.get("metrics")));
    return m;
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double v = bytes;
    String[] units = {"kB", "MB", "GB", "TB"};
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[i]);
  }
}
