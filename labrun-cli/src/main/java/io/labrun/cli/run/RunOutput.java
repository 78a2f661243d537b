package io.labrun.cli.run;

import io.labrun.core.history.RunStore;
import io.labrun.core.history.RunView;
import io.labrun.core.run.Run;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How runs look in command output: {@link RunView}, the one view the API and the UI show too. */
public final class RunOutput {
  private RunOutput() {}

  static Map<String, Object> row(Run run, Instant now) {
    return RunView.row(run, now);
  }

  /**
   * {@link RunView#info} with its attributes (this machine ran it), metrics by name as users query
   * them ({@code metrics.NAME.last}).
   */
  static Map<String, Object> info(Run run, RunStore store, Instant now) {
    return shown(RunView.info(run, store, now, true));
  }

  /**
   * A run's record as the command line shows it: metrics by name ({@code metrics.NAME.last}), from
   * this machine or a server alike.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> shown(Map<String, Object> info) {
    Map<String, Object> m = new LinkedHashMap<>(info);
    m.put("metrics", RunView.metricsByName((List<Map<String, Object>>) info.get("metrics")));
    return m;
  }

  public static String size(long bytes) {
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
    return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }
}
